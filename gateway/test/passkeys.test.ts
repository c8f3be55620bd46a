// Passkeys through the gateway with auth, user and admin as real processes, answered by a software authenticator for
// PUBLIC_URL's origin: registered with a user's token, then signing in with it alone through the public routes; the
// passkey management routes are for signed-in users only, and the passkey sign-in counts in the tight login bucket.
import t from 'tap'
import { testDatabaseKinds } from '@portcullis/testkit/databases'
import { SoftPasskey } from '@portcullis/testkit/soft-passkey'
import { startTestStack } from '@portcullis/testkit/stack'

const PASSWORD = 'correct horse battery staple'
const LOGIN_LIMIT = 6

for (const kind of testDatabaseKinds()) {
  t.test(`passkeys through the gateway on ${kind}`, async (t) => {
    const stack = await startTestStack(t, kind, { gatewayEnv: { LOGIN_LIMIT_PER_IP: String(LOGIN_LIMIT) } })
    const origin = stack.url.replace('127.0.0.1', 'localhost')
    const call = async (method: string, route: string, body?: unknown, token?: string) => {
      const res = await fetch(`${stack.url}${route}`, {
        method,
        headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
      })
      const text = await res.text()
      return { status: res.status, json: <T = Record<string, unknown>>(): T => JSON.parse(text) as T }
    }

    t.equal((await call('POST', '/auth/signup', { username: 'petra', password: PASSWORD })).status, 201)
    const token = (await call('POST', '/auth/login', { username: 'petra', password: PASSWORD })).json<{ access_token: string }>().access_token

    for (const [method, route] of [
      ['GET', '/auth/passkeys'],
      ['POST', '/auth/passkeys/register/options'],
      ['POST', '/auth/passkeys/register'],
      ['DELETE', '/auth/passkeys/some-id'],
      ['POST', '/auth/passkeys/reauthenticate/options'],
    ] as const) {
      const refused = await call(method, route, method === 'GET' ? undefined : {})
      t.equal(refused.status, 401, `${method} ${route} needs a signed-in user at the gateway`)
      t.equal(refused.json().code, 'unauthenticated')
    }

    const key = new SoftPasskey({ origin })
    const options = await call('POST', '/auth/passkeys/register/options', {}, token)
    t.equal(options.status, 200)
    t.equal(options.json<{ rp: { id: string } }>().rp.id, 'localhost', "the relying party is PUBLIC_URL's host")
    const registered = await call('POST', '/auth/passkeys/register', { credential: key.register(options.json()), name: 'Laptop' }, token)
    t.equal(registered.status, 201)

    const signInOptions = await call('POST', '/auth/passkeys/login/options', {})
    t.equal(signInOptions.status, 200, 'anyone may ask for a sign-in challenge')
    const signedIn = await call('POST', '/auth/passkeys/login', { credential: key.assert(signInOptions.json()) })
    t.equal(signedIn.status, 200)
    const passkeyToken = signedIn.json<{ access_token: string }>().access_token
    t.equal((await call('GET', '/user/profile', undefined, passkeyToken)).json().username, 'petra', 'the passkey’s token opens the user service')
    const listed = await call('GET', '/auth/passkeys', undefined, passkeyToken)
    t.same(
      listed.json<{ passkeys: Array<{ name: string }> }>().passkeys.map((p) => p.name),
      ['Laptop'],
    )

    // A sign-up, a login and two passkey calls so far from this address: the bucket of LOGIN_LIMIT_PER_IP runs out.
    let limited = 0
    for (let i = 0; i < LOGIN_LIMIT + 2; i++) if ((await call('POST', '/auth/passkeys/login/options', {})).status === 429) limited++
    t.ok(limited >= 2, `passkey sign-ins share the per-network login limit (${limited} refused)`)
  })
}
