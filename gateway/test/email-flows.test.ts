// Recovery and verification end to end through the gateway, with auth, user and admin as real processes: on MariaDB the
// mail goes over SMTP (STARTTLS, AUTH) to a real smtp-server; on SQLite it lands in the mail drop (DATA_DIR/mail).
import path from 'node:path'
import t from 'tap'
import { testDatabaseKinds } from '@portcullis/testkit/databases'
import { waitForMail } from '@portcullis/testkit/mailbox'
import { linkIn } from '@portcullis/testkit/outbox'
import { startSmtpCapture } from '@portcullis/testkit/smtp-capture'
import { startTestStack } from '@portcullis/testkit/stack'

const PASSWORD = 'correct horse battery staple'
const NEW_PASSWORD = 'a reset and entirely new passphrase'
const PUBLIC_URL = 'https://id.example.test'

interface Mail {
  to: string
  subject: string
  text: string
}

for (const kind of testDatabaseKinds()) {
  t.test(`mail flows through the gateway on ${kind}`, async (t) => {
    const smtp = kind === 'mysql' ? await startSmtpCapture({ tls: true, auth: { user: 'portcullis', pass: 'relay secret' } }) : undefined
    if (smtp) t.teardown(() => smtp.close())
    const mailEnv: Record<string, string> = smtp ? { SMTP_URL: smtp.url, SMTP_CA_FILE: smtp.caFile ?? '' } : {}
    const stack = await startTestStack(t, kind, { env: { PUBLIC_URL, ...mailEnv } })
    const dropDir = path.join(stack.database.env.DATA_DIR, 'mail')
    const mailTo = (to: string, subject: RegExp): Promise<Mail> =>
      smtp
        ? smtp.waitFor((mail) => mail.to === to && subject.test(mail.subject), 15_000)
        : waitForMail(dropDir, (mail) => mail.to === to && subject.test(mail.subject), 15_000)

    const call = async (method: string, route: string, body?: unknown, token?: string) => {
      const res = await fetch(`${stack.url}${route}`, {
        method,
        headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
      })
      const text = await res.text()
      return { status: res.status, text, headers: res.headers, json: <T = Record<string, unknown>>(): T => JSON.parse(text) as T }
    }
    const login = (username: string, password: string) => call('POST', '/auth/login', { username, password })

    t.test('sign-up mails a verification link; opening it verifies the address', async (t) => {
      const signup = await call('POST', '/auth/signup', { username: 'hedda', password: PASSWORD, email: 'hedda@example.test' })
      t.equal(signup.status, 201)
      const mail = await mailTo('hedda@example.test', /Confirm your email address/)
      const link = linkIn(mail.text)
      t.equal(`${link.origin}${link.pathname}`, `${PUBLIC_URL}/verify-email`)
      if (smtp) t.match(smtp.mails.at(-1), { secure: true, user: 'portcullis', envelope: { to: ['hedda@example.test'] } }, 'over STARTTLS, authenticated')
      t.equal((await call('POST', '/auth/email/verify', { token: link.searchParams.get('token') })).status, 204)
      const session = await login('hedda', PASSWORD)
      t.equal(session.json<{ user: { email_verified: boolean } }>().user.email_verified, true)
    })

    t.test('forgot password: one answer for a known and an unknown address; the mailed link resets, ends sessions, signs in', async (t) => {
      const before = (await login('hedda', PASSWORD)).json<{ access_token: string }>()
      t.equal((await call('GET', '/user/profile', undefined, before.access_token)).status, 200)
      const known = await call('POST', '/auth/password/forgot', { login: 'hedda@example.test' })
      const unknown = await call('POST', '/auth/password/forgot', { login: 'nobody@example.test' })
      t.equal(known.status, 202)
      t.equal(unknown.status, known.status)
      t.equal(unknown.text, known.text, 'the same bytes')
      const headerNames = (res: typeof known) => [...res.headers.keys()].filter((name) => !name.startsWith('x-ratelimit')).sort()
      t.same(headerNames(unknown), headerNames(known), 'the same headers')

      const mail = await mailTo('hedda@example.test', /Reset your Portcullis password/)
      const token = linkIn(mail.text).searchParams.get('token')
      t.equal((await call('POST', '/auth/password/reset', { token, new_password: NEW_PASSWORD })).status, 204)
      const notice = await mailTo('hedda@example.test', /password was changed/)
      t.match(notice.text, /forgot-password/)
      let refused = false
      for (let i = 0; i < 50 && !refused; i++) {
        refused = (await call('GET', '/user/profile', undefined, before.access_token)).status === 401
        if (!refused) await new Promise((resolve) => setTimeout(resolve, 100))
      }
      t.ok(refused, "the old session's access token is refused at the gateway")
      t.equal((await login('hedda', PASSWORD)).status, 401)
      t.equal((await login('hedda', NEW_PASSWORD)).status, 200)
      const reused = await call('POST', '/auth/password/reset', { token, new_password: 'and yet another passphrase' })
      t.equal(reused.json().code, 'invalid_link')
    })

    t.test('an email change through the gateway: password needed, a link to the new address, a notice to the old', async (t) => {
      const session = (await login('hedda', NEW_PASSWORD)).json<{ access_token: string }>()
      const refused = await call('PATCH', '/user/profile', { email: 'hedda.new@example.test' }, session.access_token)
      t.equal(refused.status, 422)
      const asked = await call('PATCH', '/user/profile', { email: 'hedda.new@example.test', current_password: NEW_PASSWORD }, session.access_token)
      t.equal(asked.status, 200)
      t.match(asked.json(), { email: 'hedda@example.test', pending_email: 'hedda.new@example.test' })
      await mailTo('hedda@example.test', /being changed/)
      const mail = await mailTo('hedda.new@example.test', /Confirm your email address/)
      t.equal((await call('POST', '/auth/email/verify', { token: linkIn(mail.text).searchParams.get('token') })).status, 204)
      const profile = await call('GET', '/user/profile', undefined, session.access_token)
      t.match(profile.json(), { email: 'hedda.new@example.test', email_verified: true, pending_email: null })
    })
  })
}
