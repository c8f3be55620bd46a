// Step-up through the gateway with auth, user and admin as real processes (STEP_UP_MAX_AGE=10): a session signed in
// longer ago than that gets 401 reauthentication_required, with its WWW-Authenticate, for the password change and an email
// change; POST /auth/reauthenticate gives the same session a token that makes both, while the old token stays refused.
import t from 'tap'
import { testDatabaseKinds } from '@portcullis/testkit/databases'
import { startTestStack } from '@portcullis/testkit/stack'

const PASSWORD = 'correct horse battery staple'
const NEW_PASSWORD = 'a stepped-up and entirely new passphrase'
const MAX_AGE = 10

for (const kind of testDatabaseKinds()) {
  t.test(`step-up through the gateway on ${kind}`, async (t) => {
    const stack = await startTestStack(t, kind, { env: { STEP_UP_MAX_AGE: String(MAX_AGE) } })
    const call = async (method: string, route: string, body?: unknown, token?: string) => {
      const res = await fetch(`${stack.url}${route}`, {
        method,
        headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
      })
      const text = await res.text()
      return { status: res.status, headers: res.headers, json: <T = Record<string, unknown>>(): T => JSON.parse(text) as T }
    }

    t.equal((await call('POST', '/auth/signup', { username: 'ulla', password: PASSWORD, email: 'ulla@example.test' })).status, 201)
    const login = await call('POST', '/auth/login', { username: 'ulla', password: PASSWORD })
    t.equal(login.status, 200)
    const old = login.json<{ access_token: string }>().access_token
    await new Promise((resolve) => setTimeout(resolve, (MAX_AGE + 1.5) * 1000))

    const change = { current_password: PASSWORD, new_password: NEW_PASSWORD }
    const stale = await call('POST', '/auth/password', change, old)
    t.equal(stale.status, 401)
    t.equal(stale.json().code, 'reauthentication_required')
    t.match(stale.headers.get('www-authenticate'), /^Bearer error="insufficient_user_authentication".*max_age=10$/, "RFC 9470's header reaches the client")
    t.ok(stale.headers.get('x-request-id'), 'a problem of the gateway route like any other')
    const email = { email: 'ulla.new@example.test', current_password: PASSWORD }
    t.equal((await call('PATCH', '/user/profile', email, old)).json().code, 'reauthentication_required', 'the user service says the same')
    t.equal((await call('GET', '/user/profile', undefined, old)).status, 200, 'the session itself is fine')

    const reauth = await call('POST', '/auth/reauthenticate', { password: PASSWORD }, old)
    t.equal(reauth.status, 200)
    const fresh = reauth.json<{ access_token: string }>().access_token
    t.equal((await call('POST', '/auth/password', change, old)).json().code, 'reauthentication_required', 'the old token stays refused')
    t.equal((await call('POST', '/auth/password', change, fresh)).status, 204, 'the new one changes the password')
    t.equal((await call('POST', '/auth/login', { username: 'ulla', password: NEW_PASSWORD })).status, 200)
    const moved = await call('PATCH', '/user/profile', { ...email, current_password: NEW_PASSWORD }, fresh)
    t.equal(moved.status, 200)
    t.equal(moved.json().pending_email, 'ulla.new@example.test')
  })
}
