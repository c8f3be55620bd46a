// The apps a user signed in to with Portcullis (GET /user/apps) and removing one's access (DELETE /user/apps/:client_id):
// clients, consents, sign-ins and the provider's rows of each grant are written straight into the database, as the
// OpenID Connect provider's interaction would leave them.
import t from 'tap'
import type { Kysely } from 'kysely'
import type { Database } from '@portcullis/shared/db/schema'
import { testDatabaseKinds } from '@portcullis/testkit/databases'
import { bearer, sessionIdOf, startTestUserService } from '../helpers/user-app.ts'

const DAY = 86_400_000
const T0 = Date.UTC(2026, 10, 1, 9, 0, 0)
const iso = (ms: number) => new Date(ms).toISOString()

async function addClient(db: Kysely<Database>, id: string, name: string, firstParty = false): Promise<void> {
  await db
    .insertInto('oidc_clients')
    .values({
      id,
      name,
      secret_hash: null,
      redirect_uris: JSON.stringify([`https://${id}.example/callback`]),
      public: 1,
      first_party: firstParty ? 1 : 0,
      created_at: T0 - 30 * DAY,
      disabled_at: null,
    })
    .execute()
}

async function addConsent(db: Kysely<Database>, userId: string, clientId: string, scopes: string, at: number): Promise<void> {
  await db.insertInto('oidc_consents').values({ user_id: userId, client_id: clientId, scopes, granted_at: at }).execute()
}

/** A sign-in as the provider leaves it: the grant, an access and a refresh token under it, and the link to the session. */
async function addSignIn(db: Kysely<Database>, grantId: string, userId: string, clientId: string, sessionId: string, lastUsedAt: number) {
  await db
    .insertInto('oidc_sign_ins')
    .values({ grant_id: grantId, user_id: userId, client_id: clientId, session_id: sessionId, created_at: lastUsedAt - DAY, last_used_at: lastUsedAt })
    .execute()
  const row = (model: string, id: string, grant: string | null) => ({
    model,
    id,
    payload: JSON.stringify({ accountId: userId, clientId }),
    grant_id: grant,
    user_code: null,
    uid: null,
    expires_at: Date.now() + DAY,
    consumed_at: null,
  })
  await db
    .insertInto('oidc_payloads')
    .values([row('Grant', grantId, null), row('AccessToken', `at-${grantId}`, grantId), row('RefreshToken', `rt-${grantId}`, grantId)])
    .execute()
}

for (const kind of testDatabaseKinds()) {
  t.test(`apps on ${kind}`, async (t) => {
    const { app, auth, db } = await startTestUserService(t, kind)
    const alice = await auth.userSession('alice')
    const bob = await auth.userSession('bob')
    const aliceSession = sessionIdOf(alice.access_token)
    const bobSession = sessionIdOf(bob.access_token)

    await addClient(db, 'notes-client', 'Notes')
    await addClient(db, 'wiki-client', 'Wiki')
    await addClient(db, 'intranet-client', 'Intranet', true)
    await addConsent(db, alice.user.id, 'notes-client', 'openid profile email offline_access', T0)
    await addSignIn(db, 'grant-alice-notes-1', alice.user.id, 'notes-client', aliceSession, T0 + 2 * DAY)
    await addSignIn(db, 'grant-alice-notes-2', alice.user.id, 'notes-client', 'another-session-of-alice', T0 + 3 * DAY)
    await addConsent(db, alice.user.id, 'wiki-client', 'openid', T0 + DAY)
    await addSignIn(db, 'grant-alice-wiki', alice.user.id, 'wiki-client', aliceSession, T0 + DAY)
    // A first-party app is never asked: a sign-in and no consent.
    await addSignIn(db, 'grant-alice-intranet', alice.user.id, 'intranet-client', aliceSession, T0 + 4 * DAY)
    await addConsent(db, bob.user.id, 'notes-client', 'openid', T0)
    await addSignIn(db, 'grant-bob-notes', bob.user.id, 'notes-client', bobSession, T0 + 5 * DAY)
    // The provider's own rows outside any grant (a browser session of the provider) are no app's.
    await db
      .insertInto('oidc_payloads')
      .values({
        model: 'Session',
        id: 'provider-session',
        payload: '{}',
        grant_id: null,
        user_code: null,
        uid: 'uid-1',
        expires_at: Date.now() + DAY,
        consumed_at: null,
      })
      .execute()

    const listAs = async (token: string) => {
      const res = await app.inject({ method: 'GET', url: '/user/apps', headers: bearer(token) })
      if (res.statusCode !== 200) throw new Error(`GET /user/apps answered ${res.statusCode}: ${res.body}`)
      return res.json<{ apps: Array<{ client_id: string; name: string }> }>().apps
    }
    const withdrawAs = (token: string, clientId: string) => app.inject({ method: 'DELETE', url: `/user/apps/${clientId}`, headers: bearer(token) })
    const payloadIds = async () => (await db.selectFrom('oidc_payloads').select('id').orderBy('id').execute()).map((row) => row.id).sort()
    const grantsOf = async (userId: string) =>
      (await db.selectFrom('oidc_sign_ins').select('grant_id').where('user_id', '=', userId).execute()).map((row) => row.grant_id).sort()
    const consentsOf = async (userId: string) =>
      (await db.selectFrom('oidc_consents').select('client_id').where('user_id', '=', userId).execute()).map((row) => row.client_id).sort()

    t.test('GET lists your apps, the last used first: what each may see, its live sign-ins, when it was last used', async (t) => {
      const apps = await listAs(alice.access_token)
      t.same(apps, [
        { client_id: 'intranet-client', name: 'Intranet', scopes: [], consented_at: null, sign_ins: 1, last_used_at: iso(T0 + 4 * DAY) },
        {
          client_id: 'notes-client',
          name: 'Notes',
          scopes: ['openid', 'profile', 'email', 'offline_access'],
          consented_at: iso(T0),
          sign_ins: 2,
          last_used_at: iso(T0 + 3 * DAY),
        },
        { client_id: 'wiki-client', name: 'Wiki', scopes: ['openid'], consented_at: iso(T0 + DAY), sign_ins: 1, last_used_at: iso(T0 + DAY) },
      ])
      t.same(await listAs(bob.access_token), [
        { client_id: 'notes-client', name: 'Notes', scopes: ['openid'], consented_at: iso(T0), sign_ins: 1, last_used_at: iso(T0 + 5 * DAY) },
      ])
    })

    t.test('a signed-out caller is refused', async (t) => {
      const res = await app.inject({ method: 'GET', url: '/user/apps' })
      t.equal(res.statusCode, 401)
      t.equal(res.json().code, 'unauthenticated')
    })

    t.test("another user cannot remove your app's access: 404, and nothing of yours ends", async (t) => {
      for (const clientId of ['wiki-client', 'intranet-client']) {
        const res = await withdrawAs(bob.access_token, clientId)
        t.equal(res.statusCode, 404, `bob has no ${clientId}`)
        t.equal(res.json().code, 'not_found')
      }
      t.same(await consentsOf(alice.user.id), ['notes-client', 'wiki-client'])
      t.same(await grantsOf(alice.user.id), ['grant-alice-intranet', 'grant-alice-notes-1', 'grant-alice-notes-2', 'grant-alice-wiki'])
      const events = await db.selectFrom('audit_events').select('id').where('type', '=', 'oidc_consent_withdrawn').execute()
      t.same(events, [], 'and nothing is audited')
    })

    t.test("DELETE removes the app's access: its consent, every sign-in and what was issued under them; nobody else's", async (t) => {
      const before = await payloadIds()
      const res = await withdrawAs(alice.access_token, 'notes-client')
      t.equal(res.statusCode, 204)
      t.equal(res.body, '')

      t.same(await consentsOf(alice.user.id), ['wiki-client'], 'the consent is gone')
      t.same(await grantsOf(alice.user.id), ['grant-alice-intranet', 'grant-alice-wiki'], 'both sign-ins to it ended')
      const gone = ['grant-alice-notes-1', 'grant-alice-notes-2'].flatMap((grant) => [grant, `at-${grant}`, `rt-${grant}`])
      t.same(
        await payloadIds(),
        before.filter((id) => !gone.includes(id)),
        "the grants and their tokens are deleted; the other grants' and the provider's session stay",
      )
      t.ok((await payloadIds()).includes('rt-grant-bob-notes'), "bob's refresh token to the same app stays")
      t.same(await consentsOf(bob.user.id), ['notes-client'], "bob's consent to the same app stays")
      t.same(await grantsOf(bob.user.id), ['grant-bob-notes'])

      t.same(
        (await listAs(alice.access_token)).map((a) => a.client_id),
        ['intranet-client', 'wiki-client'],
        'no longer listed',
      )

      const events = await db.selectFrom('audit_events').select(['user_id', 'actor_id', 'ip', 'detail']).where('type', '=', 'oidc_consent_withdrawn').execute()
      t.same(
        events.map((e) => ({ ...e, detail: JSON.parse(e.detail ?? '{}') })),
        [{ user_id: alice.user.id, actor_id: alice.user.id, ip: '127.0.0.1', detail: { client_id: 'notes-client', client_name: 'Notes' } }],
        'audited once, as hers, naming the app',
      )

      const again = await withdrawAs(alice.access_token, 'notes-client')
      t.equal(again.statusCode, 404, 'a second DELETE finds nothing')
      t.equal(again.json().code, 'not_found')
    })

    t.test('a first-party app, signed in to but never asked, can be signed out of too', async (t) => {
      t.equal((await withdrawAs(alice.access_token, 'intranet-client')).statusCode, 204)
      t.same(await grantsOf(alice.user.id), ['grant-alice-wiki'])
    })

    t.test('unknown client ids are 404, malformed ones 422', async (t) => {
      const unknown = await withdrawAs(alice.access_token, 'no-such-client')
      t.equal(unknown.statusCode, 404)
      t.equal(unknown.json().code, 'not_found')
      for (const bad of ['not%20an%20id', 'a.b', 'x'.repeat(65)]) {
        const res = await withdrawAs(alice.access_token, bad)
        t.equal(res.statusCode, 422, bad)
        t.equal(res.json().code, 'validation_failed')
        t.match(res.json().errors, [{ field: 'client_id' }])
      }
      t.same(await consentsOf(alice.user.id), ['wiki-client'], 'nothing withdrawn')
    })
  })
}
