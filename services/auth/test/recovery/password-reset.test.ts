// Forgot password and reset on both databases: one answer for every login, a single-use link that works once, the policy,
// every session ended, the login back-off cleared, the notice sent, and the per-account and per-network limits.
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { testDatabaseKinds } from '@portcullis/testkit/databases'
import { STRONG_PASSWORD, signup, startTestAuth } from '@portcullis/testkit/auth-app'
import { linkIn, mailsTo, tokenMailedTo } from '@portcullis/testkit/outbox'

const NEW_PASSWORD = 'a fresh and long passphrase'

function forgot(app: FastifyInstance, login: string, ip = '10.0.0.1') {
  return app.inject({ method: 'POST', url: '/auth/password/forgot', payload: { login }, remoteAddress: ip })
}

function reset(app: FastifyInstance, token: string, password = NEW_PASSWORD) {
  return app.inject({ method: 'POST', url: '/auth/password/reset', payload: { token, new_password: password } })
}

function login(app: FastifyInstance, username: string, password: string, ip = '10.0.0.9') {
  return app.inject({ method: 'POST', url: '/auth/login', payload: { username, password }, remoteAddress: ip })
}

for (const kind of testDatabaseKinds()) {
  t.test(`forgot password and reset on ${kind}`, async (t) => {
    const { app, database, clock } = await startTestAuth(t, kind, { PUBLIC_URL: 'https://id.example.test' })
    const db = database.handle.db

    t.test('a known and an unknown login get the same answer, byte for byte; only the known one gets a mail', async (t) => {
      t.equal((await signup(app, 'ruth', { email: 'ruth@example.test' })).statusCode, 201)
      const known = await forgot(app, 'Ruth@Example.test', '10.0.1.1')
      const unknown = await forgot(app, 'nobody@example.test', '10.0.1.2')
      const byName = await forgot(app, 'ruth', '10.0.1.3')
      for (const res of [known, unknown, byName]) {
        t.equal(res.statusCode, 202)
        t.equal(res.body, '{}')
      }
      const headers = (res: typeof known) => Object.entries(res.headers).filter(([name]) => !['date', 'x-request-id'].includes(name))
      t.same(headers(known), headers(unknown), 'the same headers but the date and request id')
      const mails = await mailsTo(db, 'ruth@example.test', 'reset_password')
      t.equal(mails.length, 2, 'a mail for the email and one for the username')
      const mail = mails[0]
      t.match(mail?.subject, /Reset your Portcullis password/)
      const link = linkIn(mail?.text ?? '')
      t.equal(link.origin, 'https://id.example.test', 'the link points to PUBLIC_URL')
      t.equal(link.pathname, '/reset-password')
      t.ok((link.searchParams.get('token') ?? '').length >= 43, 'a token of at least 256 bits')
      t.match(mail?.html, /href="https:\/\/id\.example\.test\/reset-password\?token=/)
      const stored = await db.selectFrom('account_tokens').select('token_hash').execute()
      t.notOk(
        stored.some((row) => row.token_hash.includes(link.searchParams.get('token') ?? '')),
        'the token is stored only hashed',
      )
      t.equal((await mailsTo(db, 'nobody@example.test')).length, 0)
    })

    t.test('the link sets a new password once, ends every session, and sends a notice', async (t) => {
      t.equal((await signup(app, 'sam', { email: 'sam@example.test' })).statusCode, 201)
      const session = (await login(app, 'sam', STRONG_PASSWORD)).json<{ access_token: string; refresh_token: string }>()
      // Failed logins from somewhere else: the reset proves the owner and clears them.
      for (let i = 0; i < 6; i++) await login(app, 'sam', 'wrong password guess', '10.0.9.9')
      t.equal((await login(app, 'sam', 'wrong password guess', '10.0.9.9')).statusCode, 429, 'the account is held back at that network')

      t.equal((await forgot(app, 'sam')).statusCode, 202)
      const token = await tokenMailedTo(db, 'sam@example.test', 'reset_password')
      const weak = await reset(app, token, 'sam')
      t.equal(weak.statusCode, 422, 'the usual policy')
      t.equal(weak.json().errors[0].field, 'new_password')

      const done = await reset(app, token)
      t.equal(done.statusCode, 204)
      t.equal((await login(app, 'sam', STRONG_PASSWORD)).statusCode, 401, 'the old password no longer works')
      t.equal((await login(app, 'sam', NEW_PASSWORD, '10.0.9.9')).statusCode, 200, 'the new one does, even where the back-off was')
      const refreshed = await app.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: session.refresh_token } })
      t.equal(refreshed.statusCode, 401, 'the session from before the reset has ended')
      const again = await reset(app, token, 'another new long passphrase')
      t.equal(again.statusCode, 400, 'the link works once')
      t.equal(again.json().code, 'invalid_link')
      const notices = await mailsTo(db, 'sam@example.test', 'password_changed')
      t.equal(notices.length, 1, 'a "your password was changed" notice')
      t.match(notices[0]?.text, /https:\/\/id\.example\.test\/forgot-password/)
      const user = await db.selectFrom('users').select('email_verified_at').where('username', '=', 'sam').executeTakeFirstOrThrow()
      t.ok(user.email_verified_at, 'the address the link went to counts as proven')
      const events = await db.selectFrom('audit_events').select('type').where('type', 'in', ['password_reset_requested', 'password_reset']).execute()
      t.ok(
        events.some((event) => event.type === 'password_reset'),
        'audited',
      )
    })

    t.test('an older link is superseded by a newer one, and an expired link is refused alike', async (t) => {
      t.equal((await signup(app, 'tove', { email: 'tove@example.test' })).statusCode, 201)
      await forgot(app, 'tove', '10.0.2.1')
      const older = await tokenMailedTo(db, 'tove@example.test', 'reset_password')
      await forgot(app, 'tove', '10.0.2.2')
      const newer = await tokenMailedTo(db, 'tove@example.test', 'reset_password')
      t.not(older, newer)
      const superseded = await reset(app, older)
      t.equal(superseded.statusCode, 400)
      t.equal(superseded.json().code, 'invalid_link')
      clock.advance(1801 * 1000)
      const expired = await reset(app, newer)
      t.equal(expired.statusCode, 400, 'RESET_TOKEN_TTL is 30 minutes')
      const answer = (res: typeof expired) => ({ ...res.json(), request_id: undefined })
      t.same(answer(expired), answer(superseded), 'one answer for a superseded and an expired link')
      const unknown = await reset(app, 'A'.repeat(43))
      t.same(answer(unknown), answer(superseded), 'and for a token that was never issued')
      const malformed = await reset(app, 'not a token!')
      t.equal(malformed.statusCode, 422, 'a malformed token is a validation problem')
    })

    t.test('a disabled account or one with no email gets no mail, and the same answer', async (t) => {
      t.equal((await signup(app, 'ulla')).statusCode, 201)
      t.equal((await signup(app, 'vera', { email: 'vera@example.test' })).statusCode, 201)
      await db.updateTable('users').set({ status: 'disabled' }).where('username', '=', 'vera').execute()
      const noEmail = await forgot(app, 'ulla', '10.0.3.1')
      const disabled = await forgot(app, 'vera', '10.0.3.2')
      t.equal(noEmail.body, '{}')
      t.equal(disabled.body, '{}')
      t.equal((await mailsTo(db, 'vera@example.test', 'reset_password')).length, 0)
    })

    t.test('an account is sent a few links, then none for a while; a network that keeps asking is told to wait', async (t) => {
      t.equal((await signup(app, 'wim', { email: 'wim@example.test' })).statusCode, 201)
      for (let i = 0; i < 6; i++) t.equal((await forgot(app, 'wim', `10.0.4.${i + 1}`)).statusCode, 202)
      const sent = (await mailsTo(db, 'wim@example.test', 'reset_password')).length
      t.ok(sent >= 3 && sent < 6, `a few mails, not one per request (${sent})`)

      let refused = 0
      for (let i = 0; i < 30 && refused === 0; i++) {
        const res = await forgot(app, `someone${i}@example.test`, '10.0.5.5')
        if (res.statusCode === 429) {
          refused++
          t.equal(res.json().code, 'too_many_attempts')
          t.ok(Number(res.headers['retry-after']) >= 1, 'Retry-After')
        }
      }
      t.equal(refused, 1, 'one network asking again and again is held back')
    })
  })
}
