// PATCH /admin/users/:id: role and status changes, the last-admin rule under concurrency, the revocations they imply in the same
// transaction, audit events.
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { type Kysely, sql } from 'kysely'
import type { Database } from '@portcullis/shared/db/schema'
import { testDatabaseKinds } from '@portcullis/testkit/databases'
import { adminConfig, claimsOf, injectAs, refreshOverHttp, startTestAdmin } from '../helpers/admin-app.ts'

function patch(app: FastifyInstance, token: string, id: string, payload: unknown) {
  return injectAs(app, token, { method: 'PATCH', url: `/admin/users/${id}`, payload: payload as Record<string, unknown> })
}

async function userRow(db: Kysely<Database>, id: string) {
  return db.selectFrom('users').select(['role', 'status', 'updated_at']).where('id', '=', id).executeTakeFirstOrThrow()
}

async function eventsAbout(db: Kysely<Database>, userId: string, types: string[]) {
  return db
    .selectFrom('audit_events')
    .select(['type', 'actor_id', 'detail', 'ip'])
    .where('user_id', '=', userId)
    .where('type', 'in', types)
    .orderBy('at')
    .orderBy('id')
    .execute()
}

const ADMIN_EVENTS = ['role_changed', 'user_disabled', 'user_enabled']

for (const kind of testDatabaseKinds()) {
  t.test(`PATCH /admin/users/:id on ${kind}`, async (t) => {
    const { app, auth, db, root, buildApp } = await startTestAdmin(t, kind)
    /** A trigger that refuses every new row of the revocation feed, to see a change and its revocation fail together. */
    const failRevocationWrites = async (on: boolean) => {
      await sql`drop trigger if exists fail_revocations`.execute(db)
      if (!on) return
      if (kind === 'sqlite') {
        await sql`create trigger fail_revocations before insert on token_revocations begin select raise(abort, 'revocations refused'); end`.execute(db)
      } else {
        await sql`create trigger fail_revocations before insert on token_revocations for each row signal sqlstate '45000' set message_text = 'revocations refused'`.execute(
          db,
        )
      }
    }

    t.test('promoting a user: 200 with the user, an audit event, and a next refresh that carries the new role', async (t) => {
      const alice = await auth.userSession('alice')
      t.equal(claimsOf(alice.access_token).role, 'user')
      const res = await patch(app, root.access_token, alice.user.id, { role: 'admin' })
      t.equal(res.statusCode, 200)
      t.match(res.json(), { id: alice.user.id, username: 'alice', role: 'admin', status: 'active', created_at: String })
      t.notOk('password_hash' in res.json())
      t.same(await eventsAbout(db, alice.user.id, ADMIN_EVENTS), [
        { type: 'role_changed', actor_id: root.user.id, detail: JSON.stringify({ from: 'user', to: 'admin' }), ip: '127.0.0.1' },
      ])
      const revoked = await db.selectFrom('token_revocations').select('kind').where('subject', '=', alice.user.id).execute()
      t.same(revoked, [{ kind: 'user' }], "auth voided the user's access tokens")

      const refreshed = await refreshOverHttp(auth, alice.refresh_token)
      t.equal(refreshed.status, 200)
      t.equal(claimsOf(String(refreshed.body.access_token)).role, 'admin')
      const asAdmin = await injectAs(app, String(refreshed.body.access_token), { method: 'GET', url: '/admin/dashboard' })
      t.equal(asAdmin.statusCode, 200, 'the new admin can use the admin routes')
    })

    t.test('demoting an admin while another remains: 200, and the next refresh says user', async (t) => {
      const bob = await auth.userSession('bob', 'admin')
      const res = await patch(app, root.access_token, bob.user.id, { role: 'user' })
      t.equal(res.statusCode, 200)
      t.equal(res.json().role, 'user')
      const refreshed = await refreshOverHttp(auth, bob.refresh_token)
      t.equal(refreshed.status, 200)
      t.equal(claimsOf(String(refreshed.body.access_token)).role, 'user')
      const stale = await injectAs(app, bob.access_token, { method: 'GET', url: '/admin/dashboard' })
      t.equal(stale.statusCode, 403, 'his old admin token no longer works here')
    })

    t.test('disabling ends every session: the refresh fails; enabling is audited too', async (t) => {
      const carol = await auth.userSession('carol')
      const disabled = await patch(app, root.access_token, carol.user.id, { status: 'disabled' })
      t.equal(disabled.statusCode, 200)
      t.equal(disabled.json().status, 'disabled')
      const sessions = await db.selectFrom('sessions').select(['revoked_at', 'revoked_reason']).where('user_id', '=', carol.user.id).execute()
      t.ok(sessions.length > 0 && sessions.every((s) => s.revoked_at !== null), 'every session revoked')
      const refreshed = await refreshOverHttp(auth, carol.refresh_token)
      t.equal(refreshed.status, 403)
      t.equal(refreshed.body.code, 'account_disabled', 'she is told her account is disabled, not that her session ended')

      const enabled = await patch(app, root.access_token, carol.user.id, { status: 'active' })
      t.equal(enabled.statusCode, 200)
      t.equal(enabled.json().status, 'active')
      t.same(
        (await eventsAbout(db, carol.user.id, ADMIN_EVENTS)).map((e) => [e.type, e.actor_id, e.detail]),
        [
          ['user_disabled', root.user.id, null],
          ['user_enabled', root.user.id, null],
        ],
      )
    })

    t.test('role and status at once: both applied, both audited', async (t) => {
      const dave = await auth.userSession('dave')
      const res = await patch(app, root.access_token, dave.user.id, { role: 'admin', status: 'disabled' })
      t.equal(res.statusCode, 200)
      t.match(res.json(), { role: 'admin', status: 'disabled' })
      t.same((await eventsAbout(db, dave.user.id, ADMIN_EVENTS)).map((e) => e.type).sort(), ['role_changed', 'user_disabled'])
      t.equal((await refreshOverHttp(auth, dave.refresh_token)).status, 403)
    })

    t.test('a change to what already is: 200, nothing written', async (t) => {
      const erin = await auth.userSession('erin')
      const before = await userRow(db, erin.user.id)
      const res = await patch(app, root.access_token, erin.user.id, { role: 'user', status: 'active' })
      t.equal(res.statusCode, 200)
      t.same(await userRow(db, erin.user.id), before)
      t.same(await eventsAbout(db, erin.user.id, ADMIN_EVENTS), [])
      t.equal((await refreshOverHttp(auth, erin.refresh_token)).status, 200, 'her session lives on')
    })

    t.test('an unknown id: 404', async (t) => {
      const res = await patch(app, root.access_token, '01900000-0000-7000-8000-000000000000', { role: 'admin' })
      t.equal(res.statusCode, 404)
      t.equal(res.json().code, 'not_found')
    })

    t.test('invalid requests: 422 validation_failed, and nothing changes', async (t) => {
      const frank = await auth.userSession('frank')
      const before = await userRow(db, frank.user.id)
      const cases: Array<[string, unknown, string | undefined]> = [
        ['unknown field', { role: 'admin', username: 'root2' }, 'username'],
        ['bad role', { role: 'superuser' }, 'role'],
        ['bad status', { status: 'banned' }, 'status'],
        ['null role', { role: null }, 'role'],
        ['empty body', {}, undefined],
        ['array body', [], undefined],
      ]
      for (const [name, payload, field] of cases) {
        const res = await patch(app, root.access_token, frank.user.id, payload)
        t.equal(res.statusCode, 422, name)
        t.equal(res.json().code, 'validation_failed', name)
        if (field)
          t.ok(
            res.json().errors.some((e: { field: string }) => e.field === field),
            `${name} names ${field}`,
          )
      }
      const noBody = await injectAs(app, root.access_token, { method: 'PATCH', url: `/admin/users/${frank.user.id}` })
      t.equal(noBody.statusCode, 422, 'no body at all')
      const badId = await patch(app, root.access_token, 'not an id!', { role: 'admin' })
      t.equal(badId.statusCode, 422, 'an id that cannot be one')
      t.same(await userRow(db, frank.user.id), before)
      t.same(await eventsAbout(db, frank.user.id, ADMIN_EVENTS), [])
    })

    t.test('a change and its revocations are one transaction: no auth is asked, and a failed revocation saves nothing', async (t) => {
      const grace = await auth.userSession('grace')
      // No internal API: the admin app works with auth's internal address gone (only its public keys are still fetched).
      const alone = await buildApp({ config: await adminConfig(auth, { AUTH_URL: 'http://127.0.0.1:1', JWKS_URL: `${auth.url}/auth/.well-known/jwks.json` }) })
      const disabled = await patch(alone, root.access_token, grace.user.id, { status: 'disabled' })
      t.equal(disabled.statusCode, 200)
      const feed = await db.selectFrom('token_revocations').select('kind').where('subject', '=', grace.user.id).execute()
      t.same(feed, [{ kind: 'user' }], "the user's access tokens are in the revocation feed at once")
      t.equal((await refreshOverHttp(auth, grace.refresh_token)).status, 403, 'her sessions are ended')
      t.equal((await eventsAbout(db, grace.user.id, ADMIN_EVENTS)).length, 1, 'one disable, audited once')

      // The revocation cannot be written: the role change is not saved either, and nothing claims it was.
      const heidi = await auth.userSession('heidi')
      const before = await userRow(db, heidi.user.id)
      await failRevocationWrites(true)
      t.teardown(() => failRevocationWrites(false))
      const refused = await patch(app, root.access_token, heidi.user.id, { role: 'admin' })
      t.ok(refused.statusCode >= 500, `answered ${refused.statusCode}`)
      t.notMatch(refused.body, /trigger|revocation|SQL/i, 'no internals leak')
      await failRevocationWrites(false)
      t.same(await userRow(db, heidi.user.id), before, 'the role is unchanged')
      t.same(await eventsAbout(db, heidi.user.id, ADMIN_EVENTS), [], 'and no event says it changed')
    })
  })

  t.test(`the last active admin on ${kind}`, async (t) => {
    const { app, auth, db, root, secondInstance } = await startTestAdmin(t, kind)
    // On MySQL the races run across two instances with their own pools, as two processes would. SQLite's one connection per
    // process serializes them here; server.test.ts races two processes on one SQLite file.
    const other = kind === 'mysql' ? await secondInstance() : app

    t.test('the only admin cannot demote or disable themself: 409 last_admin, nothing changed', async (t) => {
      const before = await userRow(db, root.user.id)
      for (const payload of [{ role: 'user' }, { status: 'disabled' }, { role: 'user', status: 'disabled' }]) {
        const res = await patch(app, root.access_token, root.user.id, payload)
        t.equal(res.statusCode, 409, JSON.stringify(payload))
        t.equal(res.json().code, 'last_admin')
      }
      t.same(await userRow(db, root.user.id), before)
      t.same(await eventsAbout(db, root.user.id, ADMIN_EVENTS), [])
      t.equal((await refreshOverHttp(auth, root.refresh_token)).status, 200, 'and is still signed in')
    })

    t.test('a disabled admin does not count: with one, the active one is still the last', async (t) => {
      const dormant = await auth.userSession('dormant', 'admin')
      await db.updateTable('users').set({ status: 'disabled' }).where('id', '=', dormant.user.id).execute()
      const res = await patch(app, root.access_token, root.user.id, { role: 'user' })
      t.equal(res.statusCode, 409)
      const demoteDormant = await patch(app, root.access_token, dormant.user.id, { role: 'user' })
      t.equal(demoteDormant.statusCode, 200, 'demoting a disabled admin is fine')
    })

    t.test('with two admins, one can be demoted, then the other is the last', async (t) => {
      const second = await auth.userSession('second', 'admin')
      const res = await patch(app, root.access_token, second.user.id, { role: 'user' })
      t.equal(res.statusCode, 200)
      const again = await patch(app, root.access_token, root.user.id, { status: 'disabled' })
      t.equal(again.statusCode, 409)
    })

    t.test('an admin may step down while another admin remains', async (t) => {
      const heir = await auth.userSession('heir', 'admin')
      const leaving = await auth.userSession('leaving', 'admin')
      const res = await patch(app, leaving.access_token, leaving.user.id, { role: 'user' })
      t.equal(res.statusCode, 200)
      const after = await patch(app, heir.access_token, heir.user.id, { role: 'user' })
      t.equal(after.statusCode, 200, 'root is still an admin')
    })

    t.test('two admins demoting each other at once: exactly one wins, one admin remains', async (t) => {
      for (let round = 0; round < 5; round++) {
        const a = await auth.userSession(`peer-a${round}`, 'admin')
        const b = await auth.userSession(`peer-b${round}`, 'admin')
        // Leave exactly these two as active admins.
        await db.updateTable('users').set({ role: 'user' }).where('role', '=', 'admin').where('id', 'not in', [a.user.id, b.user.id]).execute()
        const [byA, byB] = await Promise.all([
          patch(app, a.access_token, b.user.id, { role: 'user' }),
          patch(other, b.access_token, a.user.id, { role: 'user' }),
        ])
        const statuses = [byA.statusCode, byB.statusCode].sort()
        t.equal(statuses.filter((s) => s === 200).length, 1, `round ${round}: one succeeds (${statuses.join(', ')})`)
        t.ok(
          statuses.every((s) => [200, 403, 409].includes(s)),
          `round ${round}: the other is refused, not an error`,
        )
        const admins = await db.selectFrom('users').select('id').where('role', '=', 'admin').where('status', '=', 'active').execute()
        t.equal(admins.length, 1, `round ${round}: one active admin remains`)
        const roleEvents = await db
          .selectFrom('audit_events')
          .select('id')
          .where('type', '=', 'role_changed')
          .where('user_id', 'in', [a.user.id, b.user.id])
          .execute()
        t.equal(roleEvents.length, 1, `round ${round}: one role change audited`)
      }
    })

    t.test('the last two admins stepping down at once: exactly one may, the other gets 409 last_admin', async (t) => {
      for (let round = 0; round < 5; round++) {
        const a = await auth.userSession(`last-a${round}`, 'admin')
        const b = await auth.userSession(`last-b${round}`, 'admin')
        await db.updateTable('users').set({ role: 'user' }).where('role', '=', 'admin').where('id', 'not in', [a.user.id, b.user.id]).execute()
        const [byA, byB] = await Promise.all([
          patch(app, a.access_token, a.user.id, { status: 'disabled' }),
          patch(other, b.access_token, b.user.id, { role: 'user' }),
        ])
        t.same([byA.statusCode, byB.statusCode].sort(), [200, 409], `round ${round}`)
        const admins = await db.selectFrom('users').select('id').where('role', '=', 'admin').where('status', '=', 'active').execute()
        t.equal(admins.length, 1, `round ${round}: one active admin remains`)
      }
    })
  })
}
