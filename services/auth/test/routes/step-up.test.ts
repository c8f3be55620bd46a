// Step-up on both databases: the password change, setting an authenticator app up and new recovery codes need a sign-in
// within STEP_UP_MAX_AGE (401 reauthentication_required with RFC 9470's WWW-Authenticate, nothing changed), and
// POST /auth/reauthenticate proves the user again on the same session: the password under the login back-off, a code or a
// recovery code too when there is a second factor (each once, under the second step's back-off); the session's auth_time
// moves, so refreshed tokens keep it, and the old token stays refused.
import t, { type Test } from 'tap'
import type { LightMyRequestResponse } from 'fastify'
import { type LoginResult, STRONG_PASSWORD, bearer, signup, signupAndLogin, startTestAuth } from '@portcullis/testkit/auth-app'
import { testDatabaseKinds } from '@portcullis/testkit/databases'
import { mailsTo } from '@portcullis/testkit/outbox'
import { totpCodeAt } from '@portcullis/testkit/totp'

const KEK = Buffer.alloc(32, 7).toString('base64')
const MAX_AGE = 300
const STALE = (MAX_AGE + 1) * 1000
const NEW_PASSWORD = 'an entirely new passphrase here'

function claims(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>
}

function refreshCookie(res: LightMyRequestResponse): string | undefined {
  const raw = res.headers['set-cookie']
  const line = (Array.isArray(raw) ? raw : raw ? [raw] : []).find((value) => value.startsWith('portcullis_refresh='))
  return line?.split(';')[0]?.slice('portcullis_refresh='.length)
}

for (const kind of testDatabaseKinds()) {
  t.test(`step-up on ${kind}`, async (t) => {
    const { app, database, clock } = await startTestAuth(t, kind, { KEY_ENCRYPTION_KEY: KEK })
    const db = database.handle.db
    const call = (token: string | null, method: 'GET' | 'POST', url: string, payload: Record<string, unknown> = {}, ip = '10.2.0.1') =>
      app.inject({ method, url, payload, headers: token === null ? {} : bearer(token), remoteAddress: ip })
    const reauthenticate = (token: string, payload: Record<string, unknown>, ip = '10.2.0.1') => call(token, 'POST', '/auth/reauthenticate', payload, ip)
    const sessionRow = (sessionId: unknown) =>
      db.selectFrom('sessions').select(['auth_time', 'amr']).where('id', '=', String(sessionId)).executeTakeFirstOrThrow()

    function refused(t: Test, res: LightMyRequestResponse, what: string): void {
      t.equal(res.statusCode, 401, `${what}: 401`)
      t.equal(res.json().code, 'reauthentication_required', `${what}: reauthentication_required`)
      t.match(res.json().detail, /confirm it is you/i)
      const header = String(res.headers['www-authenticate'])
      t.match(header, /^Bearer error="insufficient_user_authentication"/, `${what}: RFC 9470's error`)
      t.match(header, new RegExp(`max_age=${MAX_AGE}$`), `${what}: says how recent`)
    }

    /** Signs up `username` with an email, turns TOTP on; returns its secret, recovery codes and a fresh session. */
    async function enrolled(username: string): Promise<{ secret: string; codes: string[]; session: LoginResult }> {
      t.equal((await signup(app, username, { email: `${username}@example.test` })).statusCode, 201)
      const login = await app.inject({ method: 'POST', url: '/auth/login', payload: { username, password: STRONG_PASSWORD } })
      const token = login.json().access_token as string
      const { secret } = (await call(token, 'POST', '/auth/mfa/totp/setup')).json() as { secret: string }
      const confirmed = await call(token, 'POST', '/auth/mfa/totp/confirm', { code: totpCodeAt(secret, clock.now()) })
      if (confirmed.statusCode !== 200) throw new Error(`confirm failed: ${confirmed.body}`)
      clock.advance(30_000)
      return { secret, codes: confirmed.json().recovery_codes as string[], session: login.json<LoginResult>() }
    }

    t.test('a sign-in older than STEP_UP_MAX_AGE is refused for the password, app setup and new recovery codes; nothing changes', async (t) => {
      const ada = await signupAndLogin(app, 'ada')
      const hashBefore = await db.selectFrom('users').select('password_hash').where('id', '=', ada.user.id).executeTakeFirstOrThrow()
      clock.advance(STALE)
      refused(t, await call(ada.access_token, 'POST', '/auth/password', { current_password: STRONG_PASSWORD, new_password: NEW_PASSWORD }), 'password')
      t.same(await db.selectFrom('users').select('password_hash').where('id', '=', ada.user.id).executeTakeFirstOrThrow(), hashBefore, 'the password stays')
      refused(t, await call(ada.access_token, 'POST', '/auth/mfa/totp/setup'), 'app setup')
      t.equal((await db.selectFrom('totp_factors').select('user_id').where('user_id', '=', ada.user.id).execute()).length, 0, 'no secret is made')
      t.equal((await call(ada.access_token, 'GET', '/auth/mfa')).statusCode, 200, 'reading the factors needs no step-up')

      const { codes, session } = await enrolled('bea')
      const hashes = () => db.selectFrom('recovery_codes').select('code_hash').where('used_at', 'is', null).orderBy('code_hash').execute()
      const before = await hashes()
      clock.advance(STALE)
      refused(t, await call(session.access_token, 'POST', '/auth/mfa/recovery-codes'), 'recovery codes')
      t.same(await hashes(), before, 'the old set stays')
      t.equal(codes.length, 10)
    })

    t.test('a recent sign-in is accepted, up to STEP_UP_MAX_AGE', async (t) => {
      const cleo = await signupAndLogin(app, 'cleo')
      clock.advance((MAX_AGE - 10) * 1000)
      t.equal((await call(cleo.access_token, 'POST', '/auth/mfa/totp/setup')).statusCode, 200)
      const res = await call(cleo.access_token, 'POST', '/auth/password', { current_password: STRONG_PASSWORD, new_password: NEW_PASSWORD })
      t.equal(res.statusCode, 204)
    })

    t.test('re-authenticating: a new token of the same session passes, the old one stays refused, the cookie stays; refreshes keep auth_time', async (t) => {
      t.equal((await signup(app, 'dana')).statusCode, 201)
      const login = await app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'dana', password: STRONG_PASSWORD, session: 'cookie' } })
      const cookie = refreshCookie(login)
      if (!cookie) throw new Error('login set no refresh cookie')
      const old = login.json().access_token as string
      const sid = claims(old).sid
      clock.advance(STALE)

      const res = await reauthenticate(old, { password: STRONG_PASSWORD })
      t.equal(res.statusCode, 200)
      t.same(Object.keys(res.json()).sort(), ['access_token', 'expires_in', 'token_type', 'user'])
      t.equal(res.json().token_type, 'Bearer')
      t.equal(res.json().user.username, 'dana')
      t.equal(res.headers['cache-control'], 'no-store')
      const fresh = res.json().access_token as string
      t.same(
        res.headers['set-cookie'],
        `portcullis_access=${fresh}; Max-Age=600; Path=/; HttpOnly; Secure; SameSite=Lax`,
        'the refresh cookie stays as it is; the access cookie gets the new token',
      )
      t.equal(claims(fresh).sid, sid, 'the same session')
      t.equal(claims(fresh).auth_time, Math.floor(clock.now() / 1000))
      t.same(claims(fresh).amr, ['pwd'])
      t.same(await sessionRow(sid), { auth_time: clock.now(), amr: 'pwd' }, 'the session row says now')
      const [event] = await db
        .selectFrom('audit_events')
        .select(['type', 'detail'])
        .where('type', '=', 'reauthenticated')
        .where('user_id', '=', String(claims(fresh).sub))
        .execute()
      t.ok(event, 'audited')
      t.match(JSON.stringify(event?.detail), String(sid))

      refused(t, await call(old, 'POST', '/auth/mfa/totp/setup'), 'the old token')
      t.equal((await call(fresh, 'POST', '/auth/mfa/totp/setup')).statusCode, 200, 'the new token passes')

      clock.advance(60_000)
      const refreshed = await app.inject({
        method: 'POST',
        url: '/auth/refresh',
        cookies: { portcullis_refresh: cookie },
        headers: { 'x-csrf-protection': '1' },
      })
      t.equal(refreshed.statusCode, 200, 'the old cookie still refreshes')
      const later = refreshed.json().access_token as string
      t.equal(claims(later).auth_time, claims(fresh).auth_time, 'a refresh keeps the fresh auth_time')
      t.equal((await call(later, 'POST', '/auth/password', { current_password: STRONG_PASSWORD, new_password: NEW_PASSWORD })).statusCode, 204)

      clock.advance(STALE)
      const next = refreshCookie(refreshed)
      const stale = await app.inject({
        method: 'POST',
        url: '/auth/refresh',
        cookies: { portcullis_refresh: next ?? '' },
        headers: { 'x-csrf-protection': '1' },
      })
      t.equal(stale.statusCode, 200)
      refused(t, await call(stale.json().access_token, 'POST', '/auth/mfa/recovery-codes'), 'a refresh does not make a sign-in recent')
    })

    t.test('a wrong password is 401 invalid_credentials and counts in the login back-off, up to 429 with Retry-After', async (t) => {
      const eli = await signupAndLogin(app, 'eli', '10.2.3.3')
      const sid = claims(eli.access_token).sid
      clock.advance(STALE)
      const before = await sessionRow(sid)
      const wrong = await reauthenticate(eli.access_token, { password: 'not the password at all' }, '10.2.3.3')
      t.equal(wrong.statusCode, 401)
      t.equal(wrong.json().code, 'invalid_credentials')
      const failed = await db.selectFrom('audit_events').select('detail').where('type', '=', 'login_failed').where('user_id', '=', eli.user.id).execute()
      t.match(JSON.stringify(failed.map((row) => row.detail)), /wrong_password.*reauthenticate/, 'audited as a failed sign-in')
      let held: LightMyRequestResponse | undefined
      for (let i = 0; i < 10 && !held; i++) {
        const res = await reauthenticate(eli.access_token, { password: 'not the password at all' }, '10.2.3.3')
        if (res.statusCode === 429) held = res
        else t.equal(res.json().code, 'invalid_credentials')
      }
      t.equal(held?.json().code, 'too_many_attempts')
      t.ok(Number(held?.headers['retry-after']) >= 1, 'Retry-After')
      const right = await reauthenticate(eli.access_token, { password: STRONG_PASSWORD }, '10.2.3.3')
      t.equal(right.statusCode, 429, 'the right password waits too')
      const login = await app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'eli', password: STRONG_PASSWORD }, remoteAddress: '10.2.3.3' })
      t.equal(login.statusCode, 429, 'the same back-off as signing in')
      t.same(await sessionRow(sid), before, 'the session is not proven again')
    })

    t.test('with a second factor: a code is needed too, taken once; a wrong or replayed one is refused; a recovery code works once, mailed', async (t) => {
      const { secret, codes, session } = await enrolled('fay')
      const token = session.access_token
      const sid = claims(token).sid
      clock.advance(STALE)

      const missing = await reauthenticate(token, { password: STRONG_PASSWORD })
      t.equal(missing.statusCode, 422)
      t.equal(missing.json().code, 'validation_failed')
      t.match(missing.json().errors, [{ field: 'code', code: 'required', message: /authenticator app.*recovery code/ }])

      const code = totpCodeAt(secret, clock.now())
      const wrongPassword = await reauthenticate(token, { password: 'not the password at all', code })
      t.equal(wrongPassword.json().code, 'invalid_credentials', 'the password first')
      const wrongCode = await reauthenticate(token, { password: STRONG_PASSWORD, code: code === '000000' ? '111111' : '000000' })
      t.equal(wrongCode.statusCode, 401)
      t.equal(wrongCode.json().code, 'invalid_code')
      refused(t, await call(token, 'POST', '/auth/mfa/recovery-codes'), 'still')

      const done = await reauthenticate(token, { password: STRONG_PASSWORD, code })
      t.equal(done.statusCode, 200, 'the code was not spent by the wrong password')
      t.same(claims(done.json().access_token).amr, ['pwd', 'otp'])
      t.same(await sessionRow(sid), { auth_time: clock.now(), amr: 'pwd,otp' })
      const replayed = await reauthenticate(token, { password: STRONG_PASSWORD, code })
      t.equal(replayed.json().code, 'invalid_code', 'a code works once')
      const older = totpCodeAt(secret, clock.now() - 30_000)
      t.equal((await reauthenticate(token, { password: STRONG_PASSWORD, code: older })).json().code, 'invalid_code', 'nor one of an earlier step')

      clock.advance(STALE)
      const byRecovery = await reauthenticate(token, { password: STRONG_PASSWORD, recovery_code: codes[0] })
      t.equal(byRecovery.statusCode, 200)
      t.same(claims(byRecovery.json().access_token).amr, ['pwd', 'otp'])
      const [mail] = await mailsTo(db, 'fay@example.test', 'recovery_code_used')
      t.match(mail?.text, /9 are left/, 'the owner hears of it')
      const used = await db.selectFrom('audit_events').select('type').where('type', '=', 'recovery_code_used').where('user_id', '=', session.user.id).execute()
      t.equal(used.length, 1)
      t.equal((await reauthenticate(token, { password: STRONG_PASSWORD, recovery_code: codes[0] })).json().code, 'invalid_code', 'each recovery code once')
      t.equal((await call(byRecovery.json().access_token, 'POST', '/auth/mfa/recovery-codes')).statusCode, 200)
    })

    t.test("wrong codes meet the second step's back-off, which a right password does not clear", async (t) => {
      const { secret, session } = await enrolled('gil')
      clock.advance(STALE)
      let held: LightMyRequestResponse | undefined
      for (let i = 0; i < 10 && !held; i++) {
        const res = await reauthenticate(session.access_token, { password: STRONG_PASSWORD, code: '123456' }, '10.2.4.4')
        if (res.statusCode === 429) held = res
        else t.equal(res.json().code, 'invalid_code')
      }
      t.equal(held?.json().code, 'too_many_attempts')
      t.ok(Number(held?.headers['retry-after']) >= 1)
      const right = await reauthenticate(session.access_token, { password: STRONG_PASSWORD, code: totpCodeAt(secret, clock.now()) }, '10.2.4.4')
      t.equal(right.statusCode, 429, 'a right code waits too')
      const ticket = await app.inject({
        method: 'POST',
        url: '/auth/login',
        payload: { username: 'gil', password: STRONG_PASSWORD },
        remoteAddress: '10.2.4.4',
      })
      const second = await app.inject({
        method: 'POST',
        url: '/auth/login/mfa',
        payload: { mfa_token: ticket.json().mfa_token, code: totpCodeAt(secret, clock.now()) },
        remoteAddress: '10.2.4.4',
      })
      t.equal(second.statusCode, 429, "the sign-in's second step counts the same wrong codes")
    })

    t.test('a disabled user, a signed-out session, no token or a stray member: refused', async (t) => {
      const hal = await signupAndLogin(app, 'hal')
      await db.updateTable('users').set({ status: 'disabled' }).where('id', '=', hal.user.id).execute()
      const disabled = await reauthenticate(hal.access_token, { password: STRONG_PASSWORD })
      t.equal(disabled.statusCode, 401)
      t.equal(disabled.json().code, 'invalid_token')

      const ivy = await signupAndLogin(app, 'ivy')
      clock.advance(STALE)
      const before = await sessionRow(claims(ivy.access_token).sid)
      t.equal((await app.inject({ method: 'POST', url: '/auth/logout', payload: { refresh_token: ivy.refresh_token } })).statusCode, 204)
      const signedOut = await reauthenticate(ivy.access_token, { password: STRONG_PASSWORD })
      t.equal(signedOut.statusCode, 401)
      t.equal(signedOut.json().code, 'invalid_token')
      t.same(await sessionRow(claims(ivy.access_token).sid), before, 'its auth_time stays')

      const none = await call(null, 'POST', '/auth/reauthenticate', { password: STRONG_PASSWORD })
      t.equal(none.statusCode, 401)
      t.equal(none.json().code, 'unauthenticated')
      const jon = await signupAndLogin(app, 'jon')
      const stray = await reauthenticate(jon.access_token, { password: STRONG_PASSWORD, remember: true })
      t.equal(stray.statusCode, 422)
    })
  })
}
