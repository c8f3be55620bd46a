import t from 'tap'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { testDatabaseKinds } from '@portcullis/testkit/databases'
import { type LoginResult, STRONG_PASSWORD, bearer, signupAndLogin, startTestAuth } from '@portcullis/testkit/auth-app'

type Asserts = Pick<typeof t, 'equal'>

function sessionIdOf(accessToken: string): string {
  const payload = accessToken.split('.')[1]
  if (!payload) throw new Error('not a JWT')
  const sid = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { sid?: unknown }).sid
  if (typeof sid !== 'string') throw new Error('the token has no sid')
  return sid
}

function refresh(app: FastifyInstance, refreshToken: string): Promise<LightMyRequestResponse> {
  return app.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: refreshToken } })
}

async function login(app: FastifyInstance, username: string, extra: Record<string, unknown> = {}): Promise<LightMyRequestResponse> {
  const res = await app.inject({ method: 'POST', url: '/auth/login', payload: { username, password: STRONG_PASSWORD, ...extra } })
  if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body}`)
  return res
}

for (const kind of testDatabaseKinds()) {
  t.test(`logout on ${kind}`, async (t) => {
    const { app, database } = await startTestAuth(t, kind)
    const db = database.handle.db
    await signupAndLogin(app, 'lena')
    const loginLena = async () => (await login(app, 'lena')).json<LoginResult>()

    const sessionRevoked = async (t: Asserts, session: LoginResult, message: string) => {
      const res = await refresh(app, session.refresh_token)
      t.equal(res.statusCode, 401, `${message}: refresh is refused`)
      t.equal(res.json().code, 'session_revoked', `${message}: session_revoked`)
    }

    t.test('with the refresh token in the JSON body', async (t) => {
      const session = await loginLena()
      const res = await app.inject({ method: 'POST', url: '/auth/logout', payload: { refresh_token: session.refresh_token } })
      t.equal(res.statusCode, 204)
      t.equal(res.body, '')
      await sessionRevoked(t, session, 'body')
      const row = await db
        .selectFrom('sessions')
        .select(['revoked_at', 'revoked_reason'])
        .where('id', '=', sessionIdOf(session.access_token))
        .executeTakeFirstOrThrow()
      t.not(row.revoked_at, null)
      t.equal(row.revoked_reason, 'logout')
    })

    t.test('with the refresh token as Authorization: Bearer', async (t) => {
      const session = await loginLena()
      const res = await app.inject({ method: 'POST', url: '/auth/logout', headers: bearer(session.refresh_token) })
      t.equal(res.statusCode, 204)
      await sessionRevoked(t, session, 'bearer refresh')
    })

    t.test('with the access token as Authorization: Bearer', async (t) => {
      const session = await loginLena()
      const other = await loginLena()
      const res = await app.inject({ method: 'POST', url: '/auth/logout', headers: bearer(session.access_token) })
      t.equal(res.statusCode, 204)
      await sessionRevoked(t, session, 'bearer access')
      const after = await app.inject({ method: 'POST', url: '/auth/logout-all', headers: bearer(session.access_token) })
      t.equal(after.statusCode, 401, 'the access token of the ended session is no longer accepted')
      t.equal(after.json().code, 'invalid_token')
      const stillAlive = await refresh(app, other.refresh_token)
      t.equal(stillAlive.statusCode, 200, 'only that session ended')
    })

    t.test('every logout enters the revocation feed', async (t) => {
      const session = await loginLena()
      const sid = sessionIdOf(session.access_token)
      const before = await db.selectFrom('token_revocations').select('id').where('subject', '=', sid).execute()
      t.equal(before.length, 0, 'a live session is not in the feed')
      const res = await app.inject({ method: 'POST', url: '/auth/logout', payload: { refresh_token: session.refresh_token } })
      t.equal(res.statusCode, 204)
      const rows = await db.selectFrom('token_revocations').selectAll().where('subject', '=', sid).execute()
      t.equal(rows.length, 1)
      t.equal(rows[0]?.kind, 'session')
      t.ok(Number(rows[0]?.expires_at) > Number(rows[0]?.at), 'the entry outlives its access tokens')
      const again = await app.inject({ method: 'POST', url: '/auth/logout', payload: { refresh_token: session.refresh_token } })
      t.equal(again.statusCode, 204, 'logging out twice is fine')
      const rowsAgain = await db.selectFrom('token_revocations').select('id').where('subject', '=', sid).execute()
      t.equal(rowsAgain.length, 1, 'and does not publish the session twice')
    })

    t.test('an unknown but well-formed refresh token is a quiet 204', async (t) => {
      const unknown = 'A'.repeat(43)
      const res = await app.inject({ method: 'POST', url: '/auth/logout', payload: { refresh_token: unknown } })
      t.equal(res.statusCode, 204)
      const viaHeader = await app.inject({ method: 'POST', url: '/auth/logout', headers: bearer('b'.repeat(43)) })
      t.equal(viaHeader.statusCode, 204)
    })

    t.test('no credential at all is 401 with WWW-Authenticate: Bearer', async (t) => {
      for (const [name, options] of [
        ['no body', {}],
        ['empty JSON object', { payload: {} }],
      ] as const) {
        const res = await app.inject({ method: 'POST', url: '/auth/logout', ...options })
        t.equal(res.statusCode, 401, name)
        t.equal(res.headers['www-authenticate'], 'Bearer', name)
        t.equal(res.json().code, 'unauthenticated', name)
        t.match(res.headers['content-type'], /application\/problem\+json/, name)
      }
    })

    t.test('cookie logout requires the CSRF header, then clears the cookie', async (t) => {
      const res = await login(app, 'lena', { session: 'cookie' })
      const cookie = res.cookies.find((c) => c.name === 'portcullis_refresh')
      t.ok(cookie, 'logged in with a cookie')
      const token = cookie?.value ?? ''
      const sid = sessionIdOf(res.json().access_token)

      const forged = await app.inject({ method: 'POST', url: '/auth/logout', cookies: { portcullis_refresh: token } })
      t.equal(forged.statusCode, 403)
      t.equal(forged.json().code, 'csrf_rejected')
      const stillLive = await db.selectFrom('sessions').select('revoked_at').where('id', '=', sid).executeTakeFirstOrThrow()
      t.equal(stillLive.revoked_at, null, 'a rejected request ends nothing')

      const ok = await app.inject({ method: 'POST', url: '/auth/logout', cookies: { portcullis_refresh: token }, headers: { 'x-csrf-protection': '1' } })
      t.equal(ok.statusCode, 204)
      const cleared = ok.cookies.find((c) => c.name === 'portcullis_refresh')
      t.ok(cleared, 'the cookie is set again, to clear it')
      t.equal(cleared?.value, '', 'with no value')
      t.equal(cleared?.path, '/auth', 'on the same path')
      t.ok((cleared?.expires !== undefined && cleared.expires.getTime() <= Date.now()) || cleared?.maxAge === 0, 'already expired')
      const gone = await app.inject({ method: 'POST', url: '/auth/refresh', cookies: { portcullis_refresh: token }, headers: { 'x-csrf-protection': '1' } })
      t.equal(gone.statusCode, 401)
      t.equal(gone.json().code, 'session_revoked')
    })

    t.test('logout-all needs an access token', async (t) => {
      const session = await loginLena()
      const none = await app.inject({ method: 'POST', url: '/auth/logout-all' })
      t.equal(none.statusCode, 401)
      t.equal(none.headers['www-authenticate'], 'Bearer')
      const withRefresh = await app.inject({ method: 'POST', url: '/auth/logout-all', headers: bearer(session.refresh_token) })
      t.equal(withRefresh.statusCode, 401, 'a refresh token is not an access token')
      t.equal((await refresh(app, session.refresh_token)).statusCode, 200, 'the failed calls ended nothing')
    })

    t.test("logout-all ends every session of the user and no one else's", async (t) => {
      const first = await signupAndLogin(app, 'mira')
      const second = (await login(app, 'mira')).json<LoginResult>()
      const bystander = await signupAndLogin(app, 'nils')
      const res = await app.inject({ method: 'POST', url: '/auth/logout-all', headers: bearer(first.access_token) })
      t.equal(res.statusCode, 204)
      await sessionRevoked(t, first, 'the calling session')
      await sessionRevoked(t, second, 'the other session')
      const alive = await refresh(app, bystander.refresh_token)
      t.equal(alive.statusCode, 200, "another user's session is alive")
      const stale = await app.inject({ method: 'POST', url: '/auth/logout-all', headers: bearer(second.access_token) })
      t.equal(stale.statusCode, 401, "the other session's access token is refused")

      const sessions = await db.selectFrom('sessions').select(['id', 'revoked_reason']).where('user_id', '=', first.user.id).execute()
      t.equal(sessions.length, 2)
      t.ok(
        sessions.every((s) => s.revoked_reason === 'logout_all'),
        'both sessions are revoked by logout_all',
      )
      const revocations = await db.selectFrom('token_revocations').select(['kind', 'subject']).execute()
      for (const session of sessions) {
        t.ok(
          revocations.some((r) => r.kind === 'session' && r.subject === session.id),
          `session ${session.id} is in token_revocations`,
        )
      }
      t.ok(
        revocations.some((r) => r.kind === 'user' && r.subject === first.user.id),
        "the user's access tokens are revoked",
      )
      t.notOk(
        revocations.some((r) => r.subject === bystander.user.id || r.subject === sessionIdOf(bystander.access_token)),
        'the bystander is not in the feed',
      )
      const audit = await db.selectFrom('audit_events').select('type').where('user_id', '=', first.user.id).where('type', '=', 'logout_all').execute()
      t.equal(audit.length, 1, 'logout_all is audited')
    })
  })
}
