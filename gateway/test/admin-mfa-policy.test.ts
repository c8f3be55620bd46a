// MFA_REQUIRED_FOR_ADMINS through the gateway, with real processes and the product's default (on): an admin who signed in
// with a password alone is refused by the admin console in words, sets up an authenticator app through /auth/mfa, signs in
// again with the password and a code, and is let in.
import t from 'tap'
import { ADMIN_MFA_ON } from '@portcullis/testkit/admin-mfa'
import { testDatabaseKinds } from '@portcullis/testkit/databases'
import { startTestStack } from '@portcullis/testkit/stack'
import { totpCodeAt } from '@portcullis/testkit/totp'

const PASSWORD = 'correct horse battery staple'
const USERNAME = 'policyadmin'

interface Answer {
  status: number
  contentType: string | null
  body: Record<string, unknown>
}

function client(base: string) {
  return async function api(method: string, path: string, options: { token?: string; body?: unknown } = {}): Promise<Answer> {
    const headers: Record<string, string> = { accept: 'application/json' }
    if (options.token) headers.authorization = `Bearer ${options.token}`
    if (options.body !== undefined) headers['content-type'] = 'application/json'
    const res = await fetch(`${base}${path}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) })
    const text = await res.text()
    return { status: res.status, contentType: res.headers.get('content-type'), body: text ? JSON.parse(text) : {} }
  }
}

function amrOf(token: string): unknown {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')).amr
}

for (const kind of testDatabaseKinds()) {
  t.test(`an admin without a second factor through the gateway on ${kind}`, async (t) => {
    const stack = await startTestStack(t, kind, { env: { ...ADMIN_MFA_ON } })
    const api = client(stack.url)
    const db = stack.database.handle.db

    t.equal((await api('POST', '/auth/signup', { body: { username: USERNAME, password: PASSWORD } })).status, 201)
    await db.updateTable('users').set({ role: 'admin' }).where('username', '=', USERNAME).execute()
    const login = await api('POST', '/auth/login', { body: { username: USERNAME, password: PASSWORD } })
    const token = String(login.body.access_token)
    t.same(amrOf(token), ['pwd'], 'signed in with the password alone')

    const refused = await api('GET', '/admin/dashboard', { token })
    t.equal(refused.status, 403, 'the admin console refuses')
    t.match(refused.contentType, /application\/problem\+json/)
    t.match(refused.body, {
      code: 'mfa_enrolment_required',
      detail: 'Admins must use two-step verification: set up an authenticator app or a passkey on your profile first',
    })
    t.equal((await api('GET', '/user/profile', { token })).status, 200, 'the rest of the account still answers')

    const setup = await api('POST', '/auth/mfa/totp/setup', { token, body: {} })
    t.equal(setup.status, 200, 'the app is set up through the gateway')
    const secret = String(setup.body.secret)
    const confirm = await api('POST', '/auth/mfa/totp/confirm', { token, body: { code: totpCodeAt(secret, Date.now()) } })
    t.equal(confirm.status, 200, 'and turned on with its first code')
    t.equal((confirm.body.recovery_codes as unknown[]).length, 10)
    t.equal((await api('GET', '/admin/dashboard', { token })).status, 200, 'the token held since the password is let in once the factor exists')

    const password = await api('POST', '/auth/login', { body: { username: USERNAME, password: PASSWORD } })
    t.match(password.body, { mfa_required: true }, 'the password alone no longer signs in')
    // The enrolment took this time step's code; the app's next one is within the step of drift allowed.
    const second = await api('POST', '/auth/login/mfa', { body: { mfa_token: password.body.mfa_token, code: totpCodeAt(secret, Date.now() + 30_000) } })
    t.equal(second.status, 200, 'the second step with a code signs in')
    const coded = String(second.body.access_token)
    t.same(amrOf(coded), ['pwd', 'otp'])
    const dashboard = await api('GET', '/admin/dashboard', { token: coded })
    t.equal(dashboard.status, 200, 'and the admin console answers')
    t.match(dashboard.body, { counts: { users: { by_role: { admin: 1 } } } })
  })
}
