// Email verification on both databases: the link mailed at sign-up proves the address once; the access token says so;
// EMAIL_VERIFICATION=required keeps an unproven account out (after its password is right) and lets it ask again;
// off sends nothing.
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { testDatabaseKinds } from '@portcullis/testkit/databases'
import { STRONG_PASSWORD, bearer, signup, startTestAuth } from '@portcullis/testkit/auth-app'
import { mailsTo, tokenMailedTo } from '@portcullis/testkit/outbox'

function verify(app: FastifyInstance, token: string) {
  return app.inject({ method: 'POST', url: '/auth/email/verify', payload: { token } })
}

function login(app: FastifyInstance, username: string, password = STRONG_PASSWORD) {
  return app.inject({ method: 'POST', url: '/auth/login', payload: { username, password } })
}

function claims(accessToken: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(accessToken.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>
}

for (const kind of testDatabaseKinds()) {
  t.test(`email verification on ${kind} (optional)`, async (t) => {
    const { app, database } = await startTestAuth(t, kind, { PUBLIC_URL: 'http://localhost:8080' })
    const db = database.handle.db

    t.test('sign-up mails a link that proves the address once; the token and profile say so', async (t) => {
      const created = await signup(app, 'ada', { email: 'ada@example.test' })
      t.equal(created.statusCode, 201)
      t.equal(created.json().user.email_verified, false)
      const [mail] = await mailsTo(db, 'ada@example.test', 'verify_email')
      t.match(mail?.subject, /Confirm your email address/)
      t.match(mail?.text, /http:\/\/localhost:8080\/verify-email\?token=/)
      const before = (await login(app, 'ada')).json<{ access_token: string }>()
      t.equal(claims(before.access_token).email_verified, false, 'the access token carries email_verified')

      const token = await tokenMailedTo(db, 'ada@example.test', 'verify_email')
      t.equal((await verify(app, token)).statusCode, 204)
      const again = await verify(app, token)
      t.equal(again.statusCode, 400)
      t.equal(again.json().code, 'invalid_link')
      const after = (await login(app, 'ada')).json<{ access_token: string; user: { email_verified: boolean } }>()
      t.equal(claims(after.access_token).email_verified, true)
      t.equal(after.user.email_verified, true)
    })

    t.test('a user without email has no email_verified claim and gets no mail', async (t) => {
      t.equal((await signup(app, 'bob')).statusCode, 201)
      const session = (await login(app, 'bob')).json<{ access_token: string }>()
      t.notOk('email_verified' in claims(session.access_token))
      const resend = await app.inject({ method: 'POST', url: '/auth/email/verify/resend', payload: {}, headers: bearer(session.access_token) })
      t.equal(resend.statusCode, 202)
      t.equal(resend.body, '{}')
    })

    t.test('resend, signed in: a new link, and the older one is superseded', async (t) => {
      t.equal((await signup(app, 'cyd', { email: 'cyd@example.test' })).statusCode, 201)
      const first = await tokenMailedTo(db, 'cyd@example.test', 'verify_email')
      const session = (await login(app, 'cyd')).json<{ access_token: string }>()
      const resend = await app.inject({ method: 'POST', url: '/auth/email/verify/resend', payload: {}, headers: bearer(session.access_token) })
      t.equal(resend.statusCode, 202)
      const second = await tokenMailedTo(db, 'cyd@example.test', 'verify_email')
      t.not(first, second)
      t.equal((await verify(app, first)).json().code, 'invalid_link')
      t.equal((await verify(app, second)).statusCode, 204)
      const nothingLeft = await app.inject({ method: 'POST', url: '/auth/email/verify/resend', payload: {}, headers: bearer(session.access_token) })
      t.equal(nothingLeft.statusCode, 202)
      t.equal((await mailsTo(db, 'cyd@example.test', 'verify_email')).length, 2, 'a verified address is sent nothing more')
      const noLogin = await app.inject({ method: 'POST', url: '/auth/email/verify/resend', payload: {} })
      t.equal(noLogin.statusCode, 422, 'signed out, it needs the login')
      const badToken = await app.inject({ method: 'POST', url: '/auth/email/verify/resend', payload: {}, headers: bearer('not.a.token') })
      t.equal(badToken.statusCode, 401)
    })
  })

  t.test(`email verification on ${kind} (required)`, async (t) => {
    const { app, database } = await startTestAuth(t, kind, { EMAIL_VERIFICATION: 'required' })
    const db = database.handle.db

    t.test('sign-up needs an email', async (t) => {
      const res = await signup(app, 'dag')
      t.equal(res.statusCode, 422)
      t.equal(res.json().errors[0].field, 'email')
    })

    t.test('an unproven account cannot sign in, asks for the link again, proves it, signs in', async (t) => {
      t.equal((await signup(app, 'eve', { email: 'eve@example.test' })).statusCode, 201)
      const wrong = await login(app, 'eve', 'not the password at all')
      t.equal(wrong.json().code, 'invalid_credentials', 'a wrong password says nothing about verification')
      const refused = await login(app, 'eve')
      t.equal(refused.statusCode, 403)
      t.equal(refused.json().code, 'email_not_verified')
      t.match(refused.json().detail, /Confirm your email address/, 'a message that says what to do')

      const unknown = await app.inject({ method: 'POST', url: '/auth/email/verify/resend', payload: { login: 'nobody@example.test' } })
      const known = await app.inject({ method: 'POST', url: '/auth/email/verify/resend', payload: { login: 'eve@example.test' } })
      t.equal(known.statusCode, 202)
      t.equal(known.body, unknown.body, 'the same answer whether or not the login names an account')
      t.equal((await mailsTo(db, 'eve@example.test', 'verify_email')).length, 2)
      t.equal((await verify(app, await tokenMailedTo(db, 'eve@example.test', 'verify_email'))).statusCode, 204)
      t.equal((await login(app, 'eve')).statusCode, 200)
    })
  })

  t.test(`email verification on ${kind} (off)`, async (t) => {
    const { app, database } = await startTestAuth(t, kind, { EMAIL_VERIFICATION: 'off' })
    t.equal((await signup(app, 'fay', { email: 'fay@example.test' })).statusCode, 201)
    t.equal((await mailsTo(database.handle.db, 'fay@example.test')).length, 0, 'no verification mail')
    t.equal((await login(app, 'fay')).statusCode, 200)
    const policy = await app.inject({ method: 'GET', url: '/auth/password-policy' })
    t.equal(policy.json().email_verification, 'off', 'the setting is public, for the web app')
  })
}
