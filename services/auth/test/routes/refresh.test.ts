import t from 'tap'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { testDatabaseKinds } from '@portcullis/testkit/databases'
import { STRONG_PASSWORD, bearer, signup, signupAndLogin, startTestAuth } from '@portcullis/testkit/auth-app'

const REFRESH_TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/

function refreshWithBody(app: FastifyInstance, refreshToken: string): Promise<LightMyRequestResponse> {
  return app.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: refreshToken } })
}

function claimsOf(accessToken: string): Record<string, unknown> {
  const payload = accessToken.split('.')[1]
  if (payload === undefined) throw new Error(`not a JWT: ${accessToken}`)
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'))
}

function refreshCookie(res: LightMyRequestResponse): { value: string; header: string } | undefined {
  const raw = res.headers['set-cookie']
  const headers = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw]
  const header = headers.find((h) => h.startsWith('portcullis_refresh='))
  if (!header) return undefined
  return { value: header.slice('portcullis_refresh='.length).split(';')[0] ?? '', header }
}

for (const kind of testDatabaseKinds()) {
  t.test(`refresh on ${kind}`, async (t) => {
    const { app, database, clock } = await startTestAuth(t, kind)

    t.test('a refresh token in JSON is traded for a new access token and a rotated refresh token', async (t) => {
      const login = await signupAndLogin(app, 'json-user')
      const res = await refreshWithBody(app, login.refresh_token)
      t.equal(res.statusCode, 200)
      t.equal(res.headers['cache-control'], 'no-store')
      const body = res.json()
      t.match(body, { token_type: 'Bearer', expires_in: Number, user: { id: login.user.id, username: 'json-user', role: 'user' } })
      t.match(body.refresh_token, REFRESH_TOKEN_SHAPE)
      t.not(body.refresh_token, login.refresh_token, 'the refresh token is rotated')
      t.type(body.access_token, 'string')
      t.not(body.access_token, login.access_token, 'a new access token')
      const claims = claimsOf(body.access_token)
      t.equal(claims.sub, login.user.id)
      t.equal(claims.sid, claimsOf(login.access_token).sid, 'same session')
      t.not(claims.jti, claimsOf(login.access_token).jti)

      const next = await refreshWithBody(app, body.refresh_token)
      t.equal(next.statusCode, 200, 'the new refresh token works for the next refresh')
      t.not(next.json().refresh_token, body.refresh_token)
    })

    t.test('a refresh token as Authorization: Bearer (as API clients may send it) works the same', async (t) => {
      const login = await signupAndLogin(app, 'header-user')
      const res = await app.inject({ method: 'POST', url: '/auth/refresh', headers: bearer(login.refresh_token) })
      t.equal(res.statusCode, 200)
      const body = res.json()
      t.match(body.refresh_token, REFRESH_TOKEN_SHAPE)
      t.not(body.refresh_token, login.refresh_token)
      t.equal(claimsOf(body.access_token).sub, login.user.id)

      const next = await app.inject({ method: 'POST', url: '/auth/refresh', headers: bearer(body.refresh_token) })
      t.equal(next.statusCode, 200, 'the rotated token works through the header too')
      t.not(next.json().refresh_token, body.refresh_token)
    })

    t.test('reusing a rotated token after the grace window revokes the whole session and is audited', async (t) => {
      const login = await signupAndLogin(app, 'reuse-user')
      const first = await refreshWithBody(app, login.refresh_token)
      t.equal(first.statusCode, 200)
      const newest = first.json().refresh_token

      clock.advance(11_000)
      const reuse = await refreshWithBody(app, login.refresh_token)
      t.equal(reuse.statusCode, 401)
      t.equal(reuse.json().code, 'refresh_token_reused')
      t.match(reuse.headers['content-type'], /application\/problem\+json/)
      t.notOk('refresh_token' in reuse.json())

      const afterTheft = await refreshWithBody(app, newest)
      t.equal(afterTheft.statusCode, 401, 'the newest token of the session is refused too')
      t.equal(afterTheft.json().code, 'session_revoked')

      const session = await database.handle.db
        .selectFrom('sessions')
        .select(['revoked_at', 'revoked_reason'])
        .where('id', '=', String(claimsOf(login.access_token).sid))
        .executeTakeFirstOrThrow()
      t.not(session.revoked_at, null)
      t.equal(session.revoked_reason, 'reuse')

      const events = await database.handle.db
        .selectFrom('audit_events')
        .select(['type', 'detail'])
        .where('user_id', '=', login.user.id)
        .where('type', '=', 'refresh_reuse_detected')
        .execute()
      t.equal(events.length, 1, 'one refresh_reuse_detected event')
      t.match(JSON.parse(events[0]?.detail ?? '{}'), { session_id: claimsOf(login.access_token).sid })

      const logoutAll = await app.inject({ method: 'POST', url: '/auth/logout-all', headers: bearer(first.json().access_token) })
      t.equal(logoutAll.statusCode, 401, 'access tokens of the revoked session are refused by auth')
    })

    /** The refresh tokens of a session that can still be used: exactly one, whatever raced. */
    async function liveTokens(sessionOf: string): Promise<number> {
      const sid = claimsOf(sessionOf).sid as string
      const rows = await database.handle.db.selectFrom('refresh_tokens').select('id').where('session_id', '=', sid).where('rotated_at', 'is', null).execute()
      return rows.length
    }

    async function reuseEvents(userId: string): Promise<number> {
      const rows = await database.handle.db
        .selectFrom('audit_events')
        .select('type')
        .where('user_id', '=', userId)
        .where('type', '=', 'refresh_reuse_detected')
        .execute()
      return rows.length
    }

    t.test('within the grace window a spent token gets the same successor again, so the session does not fork', async (t) => {
      const login = await signupAndLogin(app, 'grace-user')
      const first = await refreshWithBody(app, login.refresh_token)
      t.equal(first.statusCode, 200)
      clock.advance(5_000)
      const again = await refreshWithBody(app, login.refresh_token)
      t.equal(again.statusCode, 200, 'the second tab is not logged out')
      t.equal(again.json().refresh_token, first.json().refresh_token, 'it gets the successor the first tab got')
      t.not(again.json().access_token, first.json().access_token, 'with an access token of its own')
      t.equal(await liveTokens(login.access_token), 1, 'the session has one live refresh token')
      t.equal(await reuseEvents(login.user.id), 0, 'no reuse is recorded')
      const next = await refreshWithBody(app, again.json().refresh_token)
      t.equal(next.statusCode, 200, 'the session is still alive')
    })

    t.test('two concurrent refreshes with the same token both succeed with one successor', async (t) => {
      const login = await signupAndLogin(app, 'twotabs-user')
      const [a, b] = await Promise.all([refreshWithBody(app, login.refresh_token), refreshWithBody(app, login.refresh_token)])
      t.equal(a.statusCode, 200, a.body)
      t.equal(b.statusCode, 200, b.body)
      t.equal(a.json().refresh_token, b.json().refresh_token, 'the same successor for both')
      t.equal(await liveTokens(login.access_token), 1)
      const next = await refreshWithBody(app, a.json().refresh_token)
      t.equal(next.statusCode, 200, 'the shared successor refreshes again')
    })

    t.test('a burst of concurrent refreshes with one token: all succeed, one live token, and reuse still caught after the window', async (t) => {
      const login = await signupAndLogin(app, 'manytabs-user')
      const answers = await Promise.all(Array.from({ length: 6 }, () => refreshWithBody(app, login.refresh_token)))
      t.same(
        answers.map((res) => res.statusCode),
        answers.map(() => 200),
        answers.map((res) => res.json().code ?? 'ok').join(' '),
      )
      t.equal(new Set(answers.map((res) => res.json().refresh_token)).size, 1, 'every tab got the same successor')
      t.equal(await liveTokens(login.access_token), 1, 'the session has exactly one live refresh token')
      t.equal(await reuseEvents(login.user.id), 0, 'no reuse is recorded')
      clock.advance(11_000)
      const stolen = await refreshWithBody(app, login.refresh_token)
      t.equal(stolen.json().code, 'refresh_token_reused', 'the spent token past the window is theft')
      const live = await refreshWithBody(app, answers[0]?.json().refresh_token)
      t.equal(live.json().code, 'session_revoked', 'and it ends the one chain the session had')
    })

    t.test('a spent token within the window follows the chain to the live token', async (t) => {
      const login = await signupAndLogin(app, 'chain-user')
      const b = (await refreshWithBody(app, login.refresh_token)).json().refresh_token
      clock.advance(1_000)
      const c = (await refreshWithBody(app, b)).json().refresh_token
      clock.advance(1_000)
      const late = await refreshWithBody(app, login.refresh_token)
      t.equal(late.statusCode, 200, 'a tab that slept through two rotations is not logged out')
      t.equal(late.json().refresh_token, c, 'it gets the live token, not a spent one')
      t.equal(await liveTokens(login.access_token), 1)
    })

    t.test('the database alone does not give away a successor: it is sealed with the spent token', async (t) => {
      const login = await signupAndLogin(app, 'sealed-user')
      const next = (await refreshWithBody(app, login.refresh_token)).json().refresh_token
      const rows = await database.handle.db.selectFrom('refresh_tokens').select(['successor', 'token_hash']).where('rotated_at', 'is not', null).execute()
      for (const row of rows) {
        t.notMatch(row.successor ?? '', next, 'no successor is stored in the clear')
        t.notOk(row.successor?.includes(next.slice(0, 16)))
      }
    })

    t.test('a refreshed access token carries the current role', async (t) => {
      const login = await signupAndLogin(app, 'promoted-user')
      t.equal(claimsOf(login.access_token).role, 'user')
      await database.handle.db.updateTable('users').set({ role: 'admin' }).where('id', '=', login.user.id).execute()
      const res = await refreshWithBody(app, login.refresh_token)
      t.equal(res.statusCode, 200)
      t.equal(claimsOf(res.json().access_token).role, 'admin')
      t.equal(res.json().user.role, 'admin')
    })

    t.test('a disabled user is refused at refresh', async (t) => {
      const login = await signupAndLogin(app, 'disabled-user')
      await database.handle.db.updateTable('users').set({ status: 'disabled' }).where('id', '=', login.user.id).execute()
      const res = await refreshWithBody(app, login.refresh_token)
      t.equal(res.statusCode, 403)
      t.equal(res.json().code, 'account_disabled')
      t.notOk('access_token' in res.json())
      const viaHeader = await app.inject({ method: 'POST', url: '/auth/refresh', headers: bearer(login.refresh_token) })
      t.equal(viaHeader.json().code, 'account_disabled', 'asked again, the account is still said to be disabled (not "session ended")')
      t.notOk('access_token' in viaHeader.json())
      const sid = claimsOf(login.access_token).sid as string
      const session = await database.handle.db.selectFrom('sessions').select('revoked_at').where('id', '=', sid).executeTakeFirstOrThrow()
      t.not(session.revoked_at, null, 'the session is gone afterwards')
    })

    t.test('garbage refresh tokens are refused with 401 invalid_refresh_token, never a 5xx', async (t) => {
      const login = await signupAndLogin(app, 'garbage-user')
      const cases: Array<[string, string]> = [
        ['one character short', login.refresh_token.slice(0, 42)],
        ['one character long', `${login.refresh_token}A`],
        ['well-formed but unknown', 'A'.repeat(43)],
        ['SQL', "' OR '1'='1' --"],
        ['SQL of the right length', `${"x' OR 1=1 -- ".repeat(4)}`.slice(0, 43)],
        ['NUL', `${login.refresh_token.slice(0, 21)}\u0000${login.refresh_token.slice(22)}`],
        ['a JWT', login.access_token.slice(0, 256)],
        ['spaces', ' '.repeat(43)],
      ]
      for (const [name, token] of cases) {
        const res = await refreshWithBody(app, token)
        t.equal(res.statusCode, 401, name)
        t.equal(res.json().code, 'invalid_refresh_token', name)
        t.notMatch(res.body, /at \S+\.(ts|js):\d+|SELECT|sqlite|mysql/i, `${name} leaks nothing`)
      }
      const headerCases: Array<[string, string]> = [
        ['header SQL', "x' OR '1'='1"],
        ['header overlong', 'A'.repeat(5000)],
        ['header unknown', 'B'.repeat(43)],
      ]
      for (const [name, token] of headerCases) {
        const res = await app.inject({ method: 'POST', url: '/auth/refresh', headers: { authorization: `Bearer ${token}` } })
        t.equal(res.statusCode, 401, name)
        t.equal(res.json().code, 'invalid_refresh_token', name)
      }
      const overlong = await refreshWithBody(app, 'A'.repeat(1000))
      t.ok(overlong.statusCode >= 400 && overlong.statusCode < 500, `an overlong body token is a 4xx (${overlong.statusCode})`)
      const ok = await refreshWithBody(app, login.refresh_token)
      t.equal(ok.statusCode, 200, 'the real token is untouched by all that')
    })

    t.test('cookie mode: the cookie refreshes with the CSRF header and is rotated in a new cookie', async (t) => {
      const created = await signup(app, 'cookie-user')
      t.equal(created.statusCode, 201)
      const login = await app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'cookie-user', password: STRONG_PASSWORD, session: 'cookie' } })
      t.equal(login.statusCode, 200)
      t.notOk('refresh_token' in login.json(), 'the login body has no refresh token')
      const first = refreshCookie(login)
      if (!first) throw new Error('login set no refresh cookie')
      t.match(first.header, /HttpOnly/i)
      t.match(first.header, /Secure/i)
      t.match(first.header, /SameSite=Strict/i)
      t.match(first.header, /Path=\/auth/i)

      const noCsrf = await app.inject({ method: 'POST', url: '/auth/refresh', cookies: { portcullis_refresh: first.value } })
      t.equal(noCsrf.statusCode, 403)
      t.equal(noCsrf.json().code, 'csrf_rejected')
      t.notOk('access_token' in noCsrf.json())

      const res = await app.inject({
        method: 'POST',
        url: '/auth/refresh',
        cookies: { portcullis_refresh: first.value },
        headers: { 'x-csrf-protection': '1' },
      })
      t.equal(res.statusCode, 200, 'the refused request did not use the token up')
      t.type(res.json().access_token, 'string')
      t.notOk('refresh_token' in res.json(), 'no refresh token in the body')
      const second = refreshCookie(res)
      if (!second) throw new Error('refresh set no refresh cookie')
      t.not(second.value, first.value, 'the cookie carries a rotated token')
      t.match(second.value, REFRESH_TOKEN_SHAPE)
      t.match(second.header, /HttpOnly/i)
      t.match(second.header, /SameSite=Strict/i)

      const next = await app.inject({
        method: 'POST',
        url: '/auth/refresh',
        cookies: { portcullis_refresh: second.value },
        headers: { 'x-csrf-protection': '1' },
      })
      t.equal(next.statusCode, 200, 'the new cookie works')
      const third = refreshCookie(next)
      if (!third) throw new Error('refresh set no refresh cookie')

      const withAccessToken = await app.inject({
        method: 'POST',
        url: '/auth/refresh',
        cookies: { portcullis_refresh: third.value },
        headers: { 'x-csrf-protection': '1', authorization: `Bearer ${next.json().access_token}` },
      })
      t.equal(withAccessToken.statusCode, 200, 'an access token sent along in Authorization does not hide the cookie')
    })

    t.test('no credential at all is 401 with WWW-Authenticate', async (t) => {
      for (const res of [await app.inject({ method: 'POST', url: '/auth/refresh' }), await app.inject({ method: 'POST', url: '/auth/refresh', payload: {} })]) {
        t.equal(res.statusCode, 401)
        t.equal(res.json().code, 'unauthenticated')
        t.match(res.headers['www-authenticate'], /^Bearer/)
      }
    })
  })

  t.test(`session lifetimes on ${kind}`, async (t) => {
    const { app, clock } = await startTestAuth(t, kind, { REFRESH_IDLE_TTL: '120', REFRESH_ABSOLUTE_TTL: '600' })

    t.test('a session idle for longer than REFRESH_IDLE_TTL has expired', async (t) => {
      const login = await signupAndLogin(app, 'idle-user')
      clock.advance(119_000)
      const inTime = await refreshWithBody(app, login.refresh_token)
      t.equal(inTime.statusCode, 200, 'just within the idle lifetime')
      clock.advance(121_000)
      const late = await refreshWithBody(app, inTime.json().refresh_token)
      t.equal(late.statusCode, 401)
      t.equal(late.json().code, 'session_expired')
      t.notOk('access_token' in late.json())
    })

    t.test('a session used all the time still ends at REFRESH_ABSOLUTE_TTL', async (t) => {
      const login = await signupAndLogin(app, 'busy-user')
      let token = login.refresh_token
      for (let elapsed = 100; elapsed < 600; elapsed += 100) {
        clock.advance(100_000)
        const res = await refreshWithBody(app, token)
        t.equal(res.statusCode, 200, `refresh at ${elapsed} s`)
        token = res.json().refresh_token
      }
      clock.advance(100_000)
      const res = await refreshWithBody(app, token)
      t.equal(res.statusCode, 401, 'refresh at 600 s')
      t.equal(res.json().code, 'session_expired')
    })
  })
}
