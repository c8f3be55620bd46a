import t from 'tap'
import { STRONG_PASSWORD } from '@portcullis/testkit/auth-app'
import { testDatabaseKinds } from '@portcullis/testkit/databases'
import { bearer, sessionIdOf, startTestUserService } from '../helpers/user-app.ts'

interface Tokens {
  access_token: string
  refresh_token: string
}

for (const kind of testDatabaseKinds()) {
  t.test(`sessions on ${kind}`, async (t) => {
    const { app, auth, db, another } = await startTestUserService(t, kind)
    const alice = await auth.userSession('alice')
    const bob = await auth.userSession('bob')

    async function login(username: string, userAgent: string): Promise<Tokens> {
      const res = await auth.app.inject({
        method: 'POST',
        url: '/auth/login',
        payload: { username, password: STRONG_PASSWORD },
        headers: { 'user-agent': userAgent },
      })
      if (res.statusCode !== 200) throw new Error(`login failed: ${res.body}`)
      return res.json<Tokens>()
    }
    const refreshAtAuth = (refreshToken: string) =>
      fetch(`${auth.url}/auth/refresh`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ refresh_token: refreshToken }),
      })
    const listAs = async (token: string) => {
      const res = await app.inject({ method: 'GET', url: '/user/sessions', headers: bearer(token) })
      if (res.statusCode !== 200) throw new Error(`GET /user/sessions answered ${res.statusCode}: ${res.body}`)
      return res.json<{ sessions: Array<{ id: string; current: boolean; user_agent: string | null }> }>().sessions
    }
    const revokeAs = (token: string, id: string) => app.inject({ method: 'DELETE', url: `/user/sessions/${id}`, headers: bearer(token) })

    const laptop = await login('alice', 'laptop/1.0')
    const phone = await login('alice', 'phone/2.0')

    t.test('GET lists your live sessions, newest first, marking the one asking', async (t) => {
      const sessions = await listAs(laptop.access_token)
      t.same(
        sessions.map((s) => s.id),
        [sessionIdOf(phone.access_token), sessionIdOf(laptop.access_token), sessionIdOf(alice.access_token)],
      )
      t.same(
        sessions.map((s) => s.current),
        [false, true, false],
      )
      t.match(sessions[0], {
        user_agent: 'phone/2.0',
        ip: '127.0.0.1',
        mode: 'token',
        created_at: /^\d{4}-.*Z$/,
        last_used_at: /Z$/,
        expires_at: /Z$/,
      })
      t.notOk(
        sessions.some((s) => s.id === sessionIdOf(bob.access_token)),
        "never another user's",
      )
    })

    t.test('revoked, expired and idle sessions are not listed', async (t) => {
      const gone = await login('alice', 'gone/1.0')
      const expired = await login('alice', 'expired/1.0')
      const idle = await login('alice', 'idle/1.0')
      await auth.app.inject({ method: 'POST', url: '/auth/logout', payload: { refresh_token: gone.refresh_token } })
      await db
        .updateTable('sessions')
        .set({ expires_at: Date.now() - 1000 })
        .where('id', '=', sessionIdOf(expired.access_token))
        .execute()
      await db
        .updateTable('sessions')
        .set({ last_used_at: Date.now() - 8 * 86_400_000 })
        .where('id', '=', sessionIdOf(idle.access_token))
        .execute()
      const ids = (await listAs(laptop.access_token)).map((s) => s.id)
      t.same(ids, [sessionIdOf(phone.access_token), sessionIdOf(laptop.access_token), sessionIdOf(alice.access_token)])
      for (const token of [expired, idle]) {
        t.equal((await revokeAs(laptop.access_token, sessionIdOf(token.access_token))).statusCode, 404, 'nor can they be revoked')
      }
    })

    t.test('DELETE ends your other session through auth: its refresh token stops working', async (t) => {
      const phoneSession = sessionIdOf(phone.access_token)
      const res = await revokeAs(laptop.access_token, phoneSession)
      t.equal(res.statusCode, 204)
      t.equal(res.body, '')
      const refresh = await refreshAtAuth(phone.refresh_token)
      t.equal(refresh.status, 401, 'auth refuses the revoked session')
      const row = await db.selectFrom('sessions').select(['revoked_at', 'revoked_reason']).where('id', '=', phoneSession).executeTakeFirstOrThrow()
      t.ok(row.revoked_at, 'auth marked it revoked')
      t.equal(row.revoked_reason, 'user')
      const events = await db
        .selectFrom('audit_events')
        .select(['type', 'detail'])
        .where('user_id', '=', alice.user.id)
        .where('type', '=', 'session_revoked')
        .execute()
      t.same(
        events.map((e) => JSON.parse(e.detail ?? '{}').session_id),
        [phoneSession],
        'auth audited it',
      )
      t.notOk(
        (await listAs(laptop.access_token)).some((s) => s.id === phoneSession),
        'no longer listed',
      )
      t.equal((await refreshAtAuth(laptop.refresh_token)).status, 200, 'the session that asked lives on')
      t.equal((await revokeAs(laptop.access_token, phoneSession)).statusCode, 404, 'a second DELETE finds nothing')
    })

    t.test("another user's session is 404, and it stays alive", async (t) => {
      const bobSession = sessionIdOf(bob.access_token)
      const res = await revokeAs(alice.access_token, bobSession)
      t.equal(res.statusCode, 404)
      t.equal(res.json().code, 'not_found')
      const row = await db.selectFrom('sessions').select('revoked_at').where('id', '=', bobSession).executeTakeFirstOrThrow()
      t.equal(row.revoked_at, null)
      const refresh = await refreshAtAuth(bob.refresh_token)
      t.equal(refresh.status, 200, "bob's refresh token still works")
      bob.refresh_token = ((await refresh.json()) as Tokens).refresh_token
    })

    t.test('unknown ids are 404, malformed ids 422', async (t) => {
      t.equal((await revokeAs(alice.access_token, '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b')).statusCode, 404)
      const bad = await revokeAs(alice.access_token, 'not%20an%20id')
      t.equal(bad.statusCode, 422)
      t.equal(bad.json().code, 'validation_failed')
    })

    t.test('DELETE of the session asking ends it too, and its access token with it', async (t) => {
      const spare = await login('alice', 'spare/1.0')
      const res = await revokeAs(spare.access_token, sessionIdOf(spare.access_token))
      t.equal(res.statusCode, 204)
      t.equal((await refreshAtAuth(spare.refresh_token)).status, 401)
      const after = await app.inject({ method: 'GET', url: '/user/sessions', headers: bearer(spare.access_token) })
      t.equal(after.statusCode, 401)
      t.equal(after.json().code, 'session_revoked')
    })

    t.test("without auth's internal API a session still ends at once: revocation and feed are written here, in one transaction", async (t) => {
      // Only the public keys still come from auth (every process keeps them cached); nothing else reaches it.
      const unreachable = await another({ AUTH_URL: 'http://127.0.0.1:1', JWKS_URL: `${auth.url}/auth/.well-known/jwks.json` })
      const victim = await login('alice', 'auth-away/1.0')
      const sid = sessionIdOf(victim.access_token)
      const res = await unreachable.inject({ method: 'DELETE', url: `/user/sessions/${sid}`, headers: bearer(alice.access_token) })
      t.equal(res.statusCode, 204)
      t.equal((await refreshAtAuth(victim.refresh_token)).status, 401, 'the session is over')
      const feed = await db.selectFrom('token_revocations').select('kind').where('subject', '=', sid).execute()
      t.same(feed, [{ kind: 'session' }], 'and in the revocation feed the gateway reads')
      const events = await db
        .selectFrom('audit_events')
        .select(['type', 'actor_id'])
        .where('type', '=', 'session_revoked')
        .where('user_id', '=', alice.user.id)
        .execute()
      t.ok(
        events.some((e) => e.actor_id === alice.user.id),
        'audited once, as hers',
      )
    })
  })
}
