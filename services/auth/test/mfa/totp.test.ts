// A second factor on both databases, with codes computed from the secret as an authenticator app would: enrolment,
// the two-step sign-in, replayed codes, expired and spent tickets, guessing, recovery codes, turning it off.
import t from 'tap'
import { testDatabaseKinds } from '@portcullis/testkit/databases'
import { STRONG_PASSWORD, bearer, signup, startTestAuth } from '@portcullis/testkit/auth-app'
import { mailsTo } from '@portcullis/testkit/outbox'
import { totpCodeAt } from '../../src/mfa/totp.ts'

const KEK = Buffer.alloc(32, 7).toString('base64')

function claims(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>
}

for (const kind of testDatabaseKinds()) {
  t.test(`TOTP and recovery codes on ${kind}`, async (t) => {
    const { app, database, clock } = await startTestAuth(t, kind, { KEY_ENCRYPTION_KEY: KEK })
    const db = database.handle.db
    const login = (username: string, extra: Record<string, unknown> = {}, ip = '10.1.0.1') =>
      app.inject({ method: 'POST', url: '/auth/login', payload: { username, password: STRONG_PASSWORD, ...extra }, remoteAddress: ip })
    const second = (payload: Record<string, unknown>, ip = '10.1.0.1') => app.inject({ method: 'POST', url: '/auth/login/mfa', payload, remoteAddress: ip })
    const asUser = (token: string, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: Record<string, unknown>) =>
      app.inject({ method, url, headers: bearer(token), ...(payload ? { payload } : {}) })

    /** Signs up `username`, turns TOTP on; returns its secret, recovery codes and a session's access token. */
    async function enrolled(username: string) {
      t.equal((await signup(app, username, { email: `${username}@example.test` })).statusCode, 201)
      const token = (await login(username)).json().access_token as string
      const setup = await asUser(token, 'POST', '/auth/mfa/totp/setup', {})
      const { secret } = setup.json() as { secret: string }
      const confirmed = await asUser(token, 'POST', '/auth/mfa/totp/confirm', { code: totpCodeAt(secret, clock.now()) })
      clock.advance(30_000)
      return { secret, token, codes: confirmed.json().recovery_codes as string[] }
    }

    t.test('enrolment: a secret and its otpauth URI, confirmed by a first code, then ten recovery codes', async (t) => {
      t.equal((await signup(app, 'mona')).statusCode, 201)
      const token = (await login('mona')).json().access_token as string
      t.same((await asUser(token, 'GET', '/auth/mfa')).json(), { totp: false, passkeys: 0, recovery_codes_left: 0 })
      const setup = await asUser(token, 'POST', '/auth/mfa/totp/setup', {})
      t.equal(setup.statusCode, 200)
      const { secret, otpauth_uri } = setup.json() as { secret: string; otpauth_uri: string }
      t.match(secret, /^[A-Z2-7]{32}$/, '160 bits in base32')
      t.match(otpauth_uri, /^otpauth:\/\/totp\/Portcullis:mona\?/)
      t.match(otpauth_uri, /algorithm=SHA1&digits=6&period=30/)
      const stored = await db.selectFrom('totp_factors').select('secret').executeTakeFirstOrThrow()
      t.match(stored.secret, /^kek1:/, 'wrapped at rest with KEY_ENCRYPTION_KEY')
      t.notMatch(stored.secret, secret)
      t.equal((await login('mona')).json().access_token !== undefined, true, 'not asked for at sign-in before it is confirmed')

      const wrong = await asUser(token, 'POST', '/auth/mfa/totp/confirm', { code: '000000' })
      t.equal(wrong.statusCode, 401)
      t.equal(wrong.json().code, 'invalid_code')
      const confirmed = await asUser(token, 'POST', '/auth/mfa/totp/confirm', { code: totpCodeAt(secret, clock.now()) })
      t.equal(confirmed.statusCode, 200)
      const codes = confirmed.json().recovery_codes as string[]
      t.equal(codes.length, 10)
      t.equal(new Set(codes).size, 10)
      for (const code of codes) t.match(code, /^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/)
      const hashes = await db.selectFrom('recovery_codes').select('code_hash').execute()
      t.notOk(
        hashes.some((row) => codes.some((code) => row.code_hash.includes(code.replaceAll('-', '')))),
        'stored hashed',
      )
      t.same((await asUser(token, 'GET', '/auth/mfa')).json(), { totp: true, passkeys: 0, recovery_codes_left: 10 })
      t.equal((await asUser(token, 'POST', '/auth/mfa/totp/setup', {})).json().code, 'totp_enrolled')
    })

    t.test('sign-in: the password gives a ticket and no tokens; a code, once, gives tokens with amr and auth_time', async (t) => {
      const { secret } = await enrolled('nils')
      const first = await login('nils')
      t.equal(first.statusCode, 200)
      const body = first.json()
      t.same(Object.keys(body).sort(), ['methods', 'mfa_required', 'mfa_token'])
      t.same(body.methods, ['totp', 'recovery_code'])
      const usedAtConfirm = totpCodeAt(secret, clock.now() - 30_000)
      const replay = await second({ mfa_token: body.mfa_token, code: usedAtConfirm })
      t.equal(replay.json().code, 'invalid_code', 'the code taken at confirmation is not taken again')
      const code = totpCodeAt(secret, clock.now())
      const done = await second({ mfa_token: body.mfa_token, code: `${code.slice(0, 3)} ${code.slice(3)}` })
      t.equal(done.statusCode, 200)
      const access = claims(done.json().access_token)
      t.same(access.amr, ['pwd', 'otp'])
      t.equal(access.auth_time, Math.floor(clock.now() / 1000))
      t.ok(done.json().refresh_token)
      const again = await second({ mfa_token: body.mfa_token, code })
      t.equal(again.statusCode, 401)
      t.equal(again.json().code, 'mfa_token_invalid', 'a ticket works once')
      const other = await login('nils')
      const sameCode = await second({ mfa_token: other.json().mfa_token, code })
      t.equal(sameCode.json().code, 'invalid_code', 'a code works once, even with a new ticket')
      const refreshed = await app.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: done.json().refresh_token } })
      t.same(claims(refreshed.json().access_token).amr, ['pwd', 'otp'], 'a refreshed token keeps how the session was proven')
      const plain = (await signup(app, 'oskar')).statusCode === 201 ? await login('oskar') : undefined
      t.same(claims(plain?.json().access_token).amr, ['pwd'])
    })

    t.test('a ticket expires after 5 minutes, and a few wrong codes end it; guessing on meets the back-off', async (t) => {
      const { secret } = await enrolled('petra')
      const late = (await login('petra')).json().mfa_token
      clock.advance(5 * 60_000 + 1000)
      t.equal((await second({ mfa_token: late, code: totpCodeAt(secret, clock.now()) })).json().code, 'mfa_token_invalid', 'expired')

      const ticket = (await login('petra', {}, '10.1.9.9')).json().mfa_token
      for (let i = 0; i < 5; i++) t.equal((await second({ mfa_token: ticket, code: '123456' }, '10.1.9.9')).json().code, 'invalid_code')
      const worn = await second({ mfa_token: ticket, code: totpCodeAt(secret, clock.now()) }, '10.1.9.9')
      t.equal(worn.json().code, 'mfa_token_invalid', 'five wrong codes end the ticket, even before a right one')
      const fresh = (await login('petra', {}, '10.1.9.9')).json().mfa_token
      const held = await second({ mfa_token: fresh, code: '654321' }, '10.1.9.9')
      t.equal(held.statusCode, 429, 'signing in again does not reset the count of wrong codes')
      t.ok(Number(held.headers['retry-after']) >= 1)
    })

    t.test('a recovery code signs in once, is audited and mailed; a new set voids the old one', async (t) => {
      const { codes, token } = await enrolled('quinn')
      const ticket = (await login('quinn')).json().mfa_token
      const done = await second({ mfa_token: ticket, recovery_code: (codes[0] ?? '').toUpperCase() })
      t.equal(done.statusCode, 200, 'case and dashes do not matter')
      const reused = await second({ mfa_token: (await login('quinn')).json().mfa_token, recovery_code: codes[0] })
      t.equal(reused.json().code, 'invalid_code', 'each code once')
      const [mail] = await mailsTo(db, 'quinn@example.test', 'recovery_code_used')
      t.match(mail?.text, /9 are left/)
      const user = await db.selectFrom('users').select('id').where('username', '=', 'quinn').executeTakeFirstOrThrow()
      const events = await db.selectFrom('audit_events').select('type').where('user_id', '=', user.id).where('type', '=', 'recovery_code_used').execute()
      t.equal(events.length, 1)

      const fresh = await asUser(token, 'POST', '/auth/mfa/recovery-codes', {})
      t.equal(fresh.statusCode, 200)
      const old = await second({ mfa_token: (await login('quinn')).json().mfa_token, recovery_code: codes[1] })
      t.equal(old.json().code, 'invalid_code', 'the old set is void')
      t.same((await asUser(token, 'GET', '/auth/mfa')).json(), { totp: true, passkeys: 0, recovery_codes_left: 10 })
    })

    t.test('cookie mode: the second step sets the refresh cookie, as login does', async (t) => {
      const { secret } = await enrolled('rosa')
      const first = await login('rosa', { session: 'cookie' })
      t.equal(first.headers['set-cookie'], undefined, 'no cookie before the second step')
      const done = await second({ mfa_token: first.json().mfa_token, code: totpCodeAt(secret, clock.now()) })
      t.equal(done.statusCode, 200)
      t.match(String(done.headers['set-cookie']), /HttpOnly/)
      t.notOk(done.json().refresh_token)
    })

    t.test('turning it off: a wrong password is refused; the password or a code turns it off, and sign-in is one step', async (t) => {
      const { secret, token } = await enrolled('sven')
      const wrong = await asUser(token, 'DELETE', '/auth/mfa/totp', { password: 'not my password at all' })
      t.equal(wrong.statusCode, 422)
      t.equal(wrong.json().errors[0].code, 'wrong_password')
      const none = await asUser(token, 'DELETE', '/auth/mfa/totp', {})
      t.equal(none.statusCode, 422)
      const off = await asUser(token, 'DELETE', '/auth/mfa/totp', { code: totpCodeAt(secret, clock.now()) })
      t.equal(off.statusCode, 204)
      t.ok((await login('sven')).json().access_token, 'a password alone signs in again')
      t.equal((await asUser(token, 'POST', '/auth/mfa/recovery-codes', {})).json().code, 'totp_not_enrolled')
      const bad = await second({ mfa_token: 'x'.repeat(43) })
      t.equal(bad.statusCode, 422, 'the second step needs a code')
    })
  })
}
