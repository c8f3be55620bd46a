// The access cookie (portcullis_access) on both databases: every answer of tokens in cookie mode sets it (login, login/mfa,
// passkeys/login, refresh, and reauthenticate for a cookie session) with the exact attributes and the access token of the
// refresh cookie's session; token mode never does; logout, logout-all and a refresh that ends the session clear it.
import t, { type Test } from 'tap'
import type { LightMyRequestResponse } from 'fastify'
import { createLocalJWKSet, jwtVerify } from 'jose'
import { ACCESS_COOKIE_NAME, accessTokenFromCookieHeader } from '@portcullis/shared/sessions/access-cookie'
import { type LoginResult, STRONG_PASSWORD, bearer, signup, startTestAuth } from '@portcullis/testkit/auth-app'
import { testDatabaseKinds } from '@portcullis/testkit/databases'
import { SoftPasskey } from '@portcullis/testkit/soft-passkey'
import { totpCodeAt } from '@portcullis/testkit/totp'
import { hashRefreshToken } from '../../src/sessions/refresh-token.ts'

const CSRF = { 'x-csrf-protection': '1' }
const CLEARED_AT = 'Expires=Thu, 01 Jan 1970 00:00:00 GMT'

function setCookies(res: LightMyRequestResponse): string[] {
  const raw = res.headers['set-cookie']
  return raw === undefined ? [] : Array.isArray(raw) ? raw : [raw]
}

function cookieLine(res: LightMyRequestResponse, name: string): string | undefined {
  return setCookies(res).find((line) => line.startsWith(`${name}=`))
}

function cookieValue(res: LightMyRequestResponse, name: string): string {
  const line = cookieLine(res, name)
  if (line === undefined) throw new Error(`no ${name} cookie was set`)
  return line.slice(name.length + 1).split(';')[0] ?? ''
}

function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>
}

for (const kind of testDatabaseKinds()) {
  t.test(`the access cookie on ${kind}`, async (t) => {
    const { app, database, config, clock } = await startTestAuth(t, kind)
    const db = database.handle.db
    const ttl = config.accessTokenTtl
    const setLine = (token: string) => `portcullis_access=${token}; Max-Age=${ttl}; Path=/; HttpOnly; Secure; SameSite=Lax`
    const clearedLine = `portcullis_access=; Max-Age=0; Path=/; ${CLEARED_AT}; HttpOnly; Secure; SameSite=Lax`
    const refreshClearedLine = `portcullis_refresh=; Max-Age=0; Path=/auth; ${CLEARED_AT}; HttpOnly; Secure; SameSite=Strict`
    const jwks = createLocalJWKSet((await app.inject({ method: 'GET', url: '/auth/.well-known/jwks.json' })).json())

    const login = (username: string, session?: 'cookie' | 'token') =>
      app.inject({ method: 'POST', url: '/auth/login', payload: { username, password: STRONG_PASSWORD, ...(session ? { session } : {}) } })
    const refreshByCookie = (refreshToken: string) =>
      app.inject({ method: 'POST', url: '/auth/refresh', cookies: { portcullis_refresh: refreshToken }, headers: CSRF })

    async function newUser(username: string): Promise<void> {
      t.equal((await signup(app, username, { email: `${username}@example.test` })).statusCode, 201, `${username} signed up`)
    }

    async function sessionOfRefreshToken(refreshToken: string): Promise<string> {
      const row = await db.selectFrom('refresh_tokens').select('session_id').where('token_hash', '=', hashRefreshToken(refreshToken)).executeTakeFirstOrThrow()
      return row.session_id
    }

    /** The answer set the access cookie exactly, holding its JSON access token: a valid one of the refresh cookie's session. */
    async function setsAccessCookie(t: Test, res: LightMyRequestResponse, refreshToken: string, what: string): Promise<string> {
      t.equal(res.statusCode, 200, `${what}: 200`)
      const token = res.json().access_token as string
      t.equal(cookieLine(res, ACCESS_COOKIE_NAME), setLine(token), `${what}: the access cookie, exactly, with the answer's access token`)
      const { payload, protectedHeader } = await jwtVerify(token, jwks, { issuer: config.tokenIssuer, audience: config.tokenAudience })
      t.ok(protectedHeader.kid, `${what}: signed by a key of the JWKS`)
      t.equal(payload.sid, await sessionOfRefreshToken(refreshToken), `${what}: the refresh cookie's session`)
      const header = `portcullis_refresh=${refreshToken}; ${ACCESS_COOKIE_NAME}=${cookieValue(res, ACCESS_COOKIE_NAME)}`
      t.equal(accessTokenFromCookieHeader(header), token, `${what}: read back from a Cookie header`)
      const me = await app.inject({ method: 'GET', url: '/auth/mfa', headers: bearer(token) })
      t.equal(me.statusCode, 200, `${what}: the token is accepted`)
      return token
    }

    function setsNoAccessCookie(t: Test, res: LightMyRequestResponse, what: string): void {
      t.equal(cookieLine(res, ACCESS_COOKIE_NAME), undefined, `${what}: no access cookie`)
    }

    function clearsBoth(t: Test, res: LightMyRequestResponse, what: string): void {
      t.equal(cookieLine(res, ACCESS_COOKIE_NAME), clearedLine, `${what}: the access cookie is cleared with its attributes`)
      t.equal(cookieLine(res, 'portcullis_refresh'), refreshClearedLine, `${what}: and the refresh cookie`)
    }

    async function cookieSession(username: string): Promise<{ refreshToken: string; accessToken: string }> {
      const res = await login(username, 'cookie')
      t.equal(res.statusCode, 200)
      return { refreshToken: cookieValue(res, 'portcullis_refresh'), accessToken: res.json().access_token as string }
    }

    t.test('login in cookie mode sets it beside the refresh cookie; token mode never does', async (t) => {
      await newUser('ines')
      const cookie = await login('ines', 'cookie')
      const refreshToken = cookieValue(cookie, 'portcullis_refresh')
      await setsAccessCookie(t, cookie, refreshToken, 'login')
      t.equal(cookie.json().refresh_token, undefined, 'no refresh token in the body')
      t.equal(setCookies(cookie).length, 2, 'two cookies, no more')
      t.match(cookieLine(cookie, 'portcullis_refresh'), /; Path=\/auth; HttpOnly; Secure; SameSite=Strict$/, 'the refresh cookie as before')

      for (const mode of [undefined, 'token'] as const) {
        const res = await login('ines', mode)
        t.equal(res.statusCode, 200)
        t.same(setCookies(res), [], `token mode (${mode ?? 'the default'}): no cookie at all`)
      }
    })

    t.test('login/mfa in cookie mode sets it; in token mode it does not', async (t) => {
      await newUser('omar')
      const first = (await login('omar')).json<LoginResult>()
      const { secret } = (await app.inject({ method: 'POST', url: '/auth/mfa/totp/setup', headers: bearer(first.access_token) })).json()
      const confirmed = await app.inject({
        method: 'POST',
        url: '/auth/mfa/totp/confirm',
        headers: bearer(first.access_token),
        payload: { code: totpCodeAt(secret, clock.now()) },
      })
      t.equal(confirmed.statusCode, 200)

      const ticket = await login('omar', 'cookie')
      t.type(ticket.json().mfa_token, 'string', 'a second step is asked for')
      setsNoAccessCookie(t, ticket, 'the first step')
      clock.advance(30_000)
      const second = await app.inject({
        method: 'POST',
        url: '/auth/login/mfa',
        payload: { mfa_token: ticket.json().mfa_token, code: totpCodeAt(secret, clock.now()) },
      })
      await setsAccessCookie(t, second, cookieValue(second, 'portcullis_refresh'), 'login/mfa')

      const tokenTicket = await login('omar', 'token')
      clock.advance(30_000)
      const tokenSecond = await app.inject({
        method: 'POST',
        url: '/auth/login/mfa',
        payload: { mfa_token: tokenTicket.json().mfa_token, code: totpCodeAt(secret, clock.now()) },
      })
      t.equal(tokenSecond.statusCode, 200)
      t.same(setCookies(tokenSecond), [], 'token mode: no cookie')
    })

    t.test('passkeys/login in cookie mode sets it; in token mode it does not', async (t) => {
      await newUser('pau')
      const first = (await login('pau')).json<LoginResult>()
      const key = new SoftPasskey({ origin: config.publicUrl })
      const options = await app.inject({ method: 'POST', url: '/auth/passkeys/register/options', headers: bearer(first.access_token), payload: {} })
      const registered = await app.inject({
        method: 'POST',
        url: '/auth/passkeys/register',
        headers: bearer(first.access_token),
        payload: { credential: key.register(options.json()) },
      })
      t.equal(registered.statusCode, 201)
      const signIn = async (session: 'cookie' | 'token') => {
        const loginOptions = (await app.inject({ method: 'POST', url: '/auth/passkeys/login/options', payload: {} })).json()
        return app.inject({ method: 'POST', url: '/auth/passkeys/login', payload: { credential: key.assert(loginOptions), session } })
      }
      const cookie = await signIn('cookie')
      await setsAccessCookie(t, cookie, cookieValue(cookie, 'portcullis_refresh'), 'passkeys/login')
      const token = await signIn('token')
      t.equal(token.statusCode, 200)
      t.same(setCookies(token), [], 'token mode: no cookie')
    })

    t.test('a cookie refresh rotates it with the refresh cookie; a token refresh sets none', async (t) => {
      await newUser('rhea')
      const session = await cookieSession('rhea')
      clock.advance(5_000)
      const refreshed = await refreshByCookie(session.refreshToken)
      const rotatedRefresh = cookieValue(refreshed, 'portcullis_refresh')
      t.not(rotatedRefresh, session.refreshToken, 'the refresh cookie is rotated')
      const token = await setsAccessCookie(t, refreshed, rotatedRefresh, 'refresh')
      t.not(token, session.accessToken, 'a new access token')
      t.equal(claimsOf(token).sid, claimsOf(session.accessToken).sid, 'of the same session')

      const tokenMode = (await login('rhea', 'token')).json<LoginResult>()
      const byBody = await app.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: tokenMode.refresh_token } })
      t.equal(byBody.statusCode, 200)
      t.same(setCookies(byBody), [], 'token mode: no cookie')
    })

    t.test('reauthenticate sets it for a cookie session, not for a token session', async (t) => {
      await newUser('sven')
      const session = await cookieSession('sven')
      clock.advance(5_000)
      const again = await app.inject({
        method: 'POST',
        url: '/auth/reauthenticate',
        headers: bearer(session.accessToken),
        payload: { password: STRONG_PASSWORD },
      })
      const token = await setsAccessCookie(t, again, session.refreshToken, 'reauthenticate')
      t.equal(cookieLine(again, 'portcullis_refresh'), undefined, 'the refresh cookie stays as it is')
      t.equal(claimsOf(token).auth_time, Math.floor(clock.now() / 1000), 'the cookie holds the re-authenticated token')

      const tokenMode = (await login('sven', 'token')).json<LoginResult>()
      const tokenAgain = await app.inject({
        method: 'POST',
        url: '/auth/reauthenticate',
        headers: bearer(tokenMode.access_token),
        payload: { password: STRONG_PASSWORD },
      })
      t.equal(tokenAgain.statusCode, 200)
      t.same(setCookies(tokenAgain), [], 'token session: no cookie')
    })

    t.test('logout and logout-all clear it with the refresh cookie', async (t) => {
      await newUser('tove')
      const byCookie = await cookieSession('tove')
      const logout = await app.inject({ method: 'POST', url: '/auth/logout', cookies: { portcullis_refresh: byCookie.refreshToken }, headers: CSRF })
      t.equal(logout.statusCode, 204)
      clearsBoth(t, logout, 'logout')

      const byAccessToken = await cookieSession('tove')
      const logoutByToken = await app.inject({ method: 'POST', url: '/auth/logout', headers: bearer(byAccessToken.accessToken) })
      t.equal(logoutByToken.statusCode, 204)
      clearsBoth(t, logoutByToken, 'logout with the access token')

      const everywhere = await cookieSession('tove')
      const logoutAll = await app.inject({ method: 'POST', url: '/auth/logout-all', headers: bearer(everywhere.accessToken) })
      t.equal(logoutAll.statusCode, 204)
      clearsBoth(t, logoutAll, 'logout-all')
    })

    t.test('a cookie refresh that ends the session clears it; a refused CSRF check does not', async (t) => {
      await newUser('ulla')
      const stolen = await cookieSession('ulla')
      t.equal((await refreshByCookie(stolen.refreshToken)).statusCode, 200)
      clock.advance((config.refreshReuseGrace + 1) * 1000)
      const reused = await refreshByCookie(stolen.refreshToken)
      t.equal(reused.statusCode, 401)
      t.equal(reused.json().code, 'refresh_token_reused')
      clearsBoth(t, reused, 'reuse')

      const revoked = await cookieSession('ulla')
      await app.inject({ method: 'POST', url: '/auth/logout-all', headers: bearer(revoked.accessToken) })
      const afterRevoke = await refreshByCookie(revoked.refreshToken)
      t.equal(afterRevoke.json().code, 'session_revoked')
      clearsBoth(t, afterRevoke, 'a revoked session')

      const unknown = await refreshByCookie('r1.not-a-token-we-issued-at-all-xxxxxxxxxxxxxxxxxxxxxx')
      t.equal(unknown.statusCode, 401)
      clearsBoth(t, unknown, 'an unknown refresh token')

      const live = await cookieSession('ulla')
      const noCsrf = await app.inject({ method: 'POST', url: '/auth/refresh', cookies: { portcullis_refresh: live.refreshToken } })
      t.equal(noCsrf.json().code, 'csrf_rejected')
      t.same(setCookies(noCsrf), [], 'a refused cross-site attempt leaves the cookies as they are')
    })
  })

  t.test(`the access cookie without COOKIE_SECURE on ${kind}`, async (t) => {
    const { app } = await startTestAuth(t, kind, { COOKIE_SECURE: 'false' })
    t.equal((await signup(app, 'vera')).statusCode, 201)
    const res = await app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'vera', password: STRONG_PASSWORD, session: 'cookie' } })
    const token = res.json().access_token as string
    t.equal(cookieLine(res, ACCESS_COOKIE_NAME), `portcullis_access=${token}; Max-Age=600; Path=/; HttpOnly; SameSite=Lax`, 'not Secure, as the refresh cookie')
    const logout = await app.inject({ method: 'POST', url: '/auth/logout', headers: bearer(token) })
    t.equal(cookieLine(logout, ACCESS_COOKIE_NAME), `portcullis_access=; Max-Age=0; Path=/; ${CLEARED_AT}; HttpOnly; SameSite=Lax`)
  })
}

/** Shared-module checks that need no database: the Cookie header parser the gateway uses. */
t.test('accessTokenFromCookieHeader', async (t) => {
  const jwt = 'aaa.bbb.ccc'
  t.equal(accessTokenFromCookieHeader(undefined), undefined)
  t.equal(accessTokenFromCookieHeader(''), undefined)
  t.equal(accessTokenFromCookieHeader('portcullis_refresh=r1.x'), undefined, 'not the refresh cookie')
  t.equal(accessTokenFromCookieHeader(`a=1; portcullis_access=${jwt}; b=2`), jwt, 'among others')
  t.equal(accessTokenFromCookieHeader(`portcullis_access=${jwt}`), jwt, 'alone')
  t.equal(accessTokenFromCookieHeader(`  portcullis_access = ${jwt} ;`), jwt, 'with spaces')
  t.equal(accessTokenFromCookieHeader(`portcullis_access=junk; portcullis_access=${jwt}`), jwt, 'a value that is no JWT is skipped')
  t.equal(accessTokenFromCookieHeader('portcullis_access='), undefined, 'empty')
  t.equal(accessTokenFromCookieHeader('portcullis_access=a.b.c%00'), undefined, 'nothing but a JWT')
  t.equal(accessTokenFromCookieHeader('xportcullis_access=a.b.c'), undefined, 'the exact name')
})
