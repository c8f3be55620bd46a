// The example app behind the real gateway, as its README says to put it: APPS_FILE names it at /hello, auth signs the
// identity, and the app verifies it against the JWKS. A signed-out page goes to the login page with `next`; a signed-in
// user is greeted by name; headers a client forged never make anyone of them.
import { writeFileSync } from 'node:fs'
import { mkdtemp } from 'node:fs/promises'
import { get, type IncomingMessage } from 'node:http'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { freePort, startProcess } from '@portcullis/testkit/processes'
import { startTestStack } from '@portcullis/testkit/stack'

const script = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../server.ts')
const PASSWORD = 'correct horse battery staple'

t.test('hello-app behind the gateway', async (t) => {
  const port = await freePort()
  const dir = await mkdtemp(path.join(tmpdir(), 'portcullis-hello-'))
  const appsFile = path.join(dir, 'apps.yaml')
  writeFileSync(
    appsFile,
    `apps:
  - name: hello
    prefix: /hello
    upstreams: [http://127.0.0.1:${port}]
    access: public
    rules:
      - { path: /hello/whoami, access: user }
    strip_prefix: true
`,
  )
  const stack = await startTestStack(t, 'sqlite', { gatewayEnv: { APPS_FILE: appsFile } })
  const app = await startProcess({
    name: 'hello-app',
    script,
    portcullis: false,
    env: { PORT: String(port), JWKS_URL: `${stack.url}/auth/.well-known/jwks.json` },
    readyUrl: `http://127.0.0.1:${port}/healthz`,
  })
  t.teardown(() => app.stop('SIGKILL'))

  const post = (route: string, body: unknown) =>
    fetch(`${stack.url}${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  t.equal((await post('/auth/signup', { username: 'hana', password: PASSWORD })).status, 201)
  const login = (await (await post('/auth/login', { username: 'hana', password: PASSWORD })).json()) as { access_token: string; user: { id: string } }
  const signedIn = { authorization: `Bearer ${login.access_token}` }
  const forged = { 'x-portcullis-user-id': 'forged', 'x-portcullis-username': 'root', 'x-portcullis-role': 'admin', 'x-portcullis-identity': 'forged.token.x' }

  t.test('signed in: the page and /whoami know the user, from the token auth signed for the app', async (t) => {
    const home = await fetch(`${stack.url}/hello/`, { headers: signedIn })
    t.equal(home.status, 200)
    t.match(await home.text(), '<h1>Hello, hana</h1>')
    const whoami = await fetch(`${stack.url}/hello/whoami`, { headers: { ...signedIn, ...forged } })
    t.equal(whoami.status, 200)
    t.match(await whoami.json(), { user_id: login.user.id, username: 'hana', role: 'user', session_id: String, trust: 'token' })
  })

  t.test('signed out: a guest on the public page, forged headers believed by nobody, a protected page sent to sign in', async (t) => {
    const home = await fetch(`${stack.url}/hello/`, { headers: forged })
    t.equal(home.status, 200)
    t.match(await home.text(), 'Hello, guest')
    // node:http, not fetch, which sends its own Sec-Fetch-Mode (cors) whatever it is given.
    const page = await new Promise<IncomingMessage>((resolve, reject) =>
      get(`${stack.url}/hello/whoami?x=1`, { headers: { 'sec-fetch-mode': 'navigate', accept: 'text/html' } }, resolve).on('error', reject),
    )
    page.resume()
    t.equal(page.statusCode, 302)
    t.equal(page.headers.location, `/login?next=${encodeURIComponent('/hello/whoami?x=1')}`)
  })
})
