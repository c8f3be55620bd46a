// The shipped forward-auth snippets (portcullis-auth-defaults.conf, -location.conf, -request.conf) included unchanged: they
// pass `nginx -t`, and a real Nginx with them in front of two apps (examples/hello-app, which believes only the identity
// token, and an echo of the headers it got), with a real stack's gateway as the auth server: signed out, a page load goes to
// /login?next=… and a script gets 401; signed in by the cookie of a cookie-mode login or by Bearer, the app knows the user;
// a forged X-Portcullis-User-Id never reaches it; an admin location refuses a user (403); a change from another site on the
// cookie is refused (403).
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import http from 'node:http'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { findNginx, renderMainConfig, testNginxConfig } from '@portcullis/scripts/stack/local-nginx'
import { startEchoUpstream } from '@portcullis/testkit/echo-upstream'
import { answers, freePort, startProcess } from '@portcullis/testkit/processes'
import { startTestStack } from '@portcullis/testkit/stack'

const here = path.dirname(fileURLToPath(import.meta.url))
const snippet = (name: string) => path.resolve(here, '..', `portcullis-auth-${name}.conf`)
const HELLO_APP = path.resolve(here, '../../../examples/hello-app/server.ts')
const PASSWORD = 'correct horse battery staple'

interface Site {
  port: number
  gateway: string
  hello: string
  echo: string
}

/** A site as an operator would write it from docs/forward-auth.md, with the three shipped files included as they are. */
function site({ port, gateway, hello, echo }: Site): string {
  return `include "${snippet('defaults')}";
upstream portcullis_gateway {
    server ${gateway};
    keepalive 8;
}
server {
    listen 127.0.0.1:${port};
    server_name localhost;
    include "${snippet('location')}";

    location = /ready {
        return 200 "ready";
    }
    location /hello/ {
        set $portcullis_app hello;
        include "${snippet('request')}";
        proxy_pass http://${hello}/;
    }
    location /echo/ {
        include "${snippet('request')}";
        proxy_pass http://${echo};
    }
    location /echo/admin/ {
        set $portcullis_access admin;
        include "${snippet('request')}";
        proxy_pass http://${echo};
    }
}
`
}

/** The site and a main config around it in `dir`, every file Nginx writes inside it. */
async function writeConfig(dir: string, values: Site): Promise<string> {
  for (const sub of ['logs', 'temp']) await mkdir(path.join(dir, sub), { recursive: true })
  const siteFile = path.join(dir, 'site.conf')
  const configFile = path.join(dir, 'nginx.conf')
  await writeFile(siteFile, site(values))
  await writeFile(configFile, renderMainConfig(dir, siteFile))
  return configFile
}

async function workspace(t: { teardown(fn: () => unknown): void }): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'portcullis-forward-auth-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  return dir
}

interface Answer {
  status: number
  headers: http.IncomingHttpHeaders
  body: string
}

/** A request with exactly these headers (fetch would set Sec-Fetch-Mode itself), redirects not followed, bounded in time. */
function send(url: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method, headers, timeout: 10_000 }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }))
    })
    request.on('timeout', () => request.destroy(new Error(`no answer from ${url} in 10 s`)))
    request.on('error', reject)
    request.end()
  })
}

t.test('the shipped snippets pass nginx -t', async (t) => {
  const dir = await workspace(t)
  const configFile = await writeConfig(dir, { port: 18480, gateway: '127.0.0.1:18080', hello: '127.0.0.1:18481', echo: '127.0.0.1:18482' })
  const result = testNginxConfig(configFile)
  t.ok(result.ok, result.output)
  t.match(result.output, /test is successful/)
})

t.test('a real Nginx with the snippets in front of two apps, the gateway as the auth server', async (t) => {
  const stack = await startTestStack(t, 'sqlite')
  const db = stack.database.handle.db
  const echo = await startEchoUpstream('echo')
  t.teardown(() => echo.close())
  const helloPort = await freePort()
  const hello = await startProcess({
    name: 'hello-app',
    script: HELLO_APP,
    portcullis: false,
    env: { PORT: String(helloPort), APP_NAME: 'hello', JWKS_URL: `${stack.url}/auth/.well-known/jwks.json` },
    readyUrl: `http://127.0.0.1:${helloPort}/healthz`,
    timeoutMs: 20_000,
  })
  t.teardown(() => hello.stop('SIGKILL'))

  const dir = await workspace(t)
  const port = await freePort()
  const configFile = await writeConfig(dir, {
    port,
    gateway: new URL(stack.url).host,
    hello: `127.0.0.1:${helloPort}`,
    echo: new URL(echo.url).host,
  })
  const base = `http://127.0.0.1:${port}`
  const nginx = await startProcess({
    name: 'nginx',
    command: findNginx(),
    args: ['-p', `${dir}/`, '-c', configFile, '-e', 'stderr', '-g', 'daemon off;'],
    env: {},
    portcullis: false,
    isReady: () => answers(`${base}/ready`),
    timeoutMs: 10_000,
  })
  t.teardown(() => nginx.stop('SIGTERM', 5000))

  const post = (route: string, body: unknown) =>
    fetch(`${stack.url}${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  t.equal((await post('/auth/signup', { username: 'nell', password: PASSWORD })).status, 201)
  const login = (await (await post('/auth/login', { username: 'nell', password: PASSWORD })).json()) as { access_token: string; user: { id: string } }
  const cookieLogin = await post('/auth/login', { username: 'nell', password: PASSWORD, session: 'cookie' })
  const accessCookie = cookieLogin.headers.getSetCookie().find((cookie) => cookie.startsWith('portcullis_access='))
  t.ok(accessCookie, 'a cookie-mode login sets portcullis_access')
  const cookie = { cookie: `${accessCookie?.split(';')[0]}` }
  const bearer = { authorization: `Bearer ${login.access_token}` }
  const navigation = { 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document', accept: 'text/html' }

  t.test('signed out: a page load goes to the login page, a script gets 401', async (t) => {
    const page = await send(`${base}/hello/whoami?tab=2`, navigation)
    t.equal(page.status, 302)
    t.match(page.headers.location, /^(http:\/\/[^/]+)?\/login\?next=\/hello\/whoami\?tab=2$/)
    t.equal(page.headers['cache-control'], 'no-store')
    t.equal((await send(`${base}/hello/`, { accept: 'text/html' })).status, 302, 'a browser that sends no Sec-Fetch-Mode')
    const script = await send(`${base}/hello/whoami`, { 'sec-fetch-mode': 'cors' })
    t.equal(script.status, 401)
    t.equal((await send(`${base}/echo/x`, { ...navigation, cookie: 'portcullis_access=not.a.token' })).status, 302, 'a cookie that does not verify')
    t.equal(echo.hits(), 0, 'the app was never asked')
    t.equal((await send(`${base}/_portcullis/forward-auth`)).status, 404, 'the internal location is not reachable from outside')
  })

  t.test('signed in by the cookie: the app knows the user from the token Portcullis signed for it', async (t) => {
    const whoami = await send(`${base}/hello/whoami`, { ...cookie, ...navigation })
    t.equal(whoami.status, 200)
    t.match(JSON.parse(whoami.body), { user_id: login.user.id, username: 'nell', role: 'user', trust: 'token' })
    const home = await send(`${base}/hello/`, cookie)
    t.match(home.body, '<h1>Hello, nell</h1>')
  })

  t.test('signed in by Bearer: the verified headers reach the app, forged ones do not', async (t) => {
    const forged = { 'x-portcullis-user-id': 'forged', 'x-portcullis-role': 'admin', 'x-portcullis-username': 'root', 'x-portcullis-identity': 'forged.a.b' }
    const answer = await send(`${base}/echo/page`, { ...bearer, ...forged })
    t.equal(answer.status, 200)
    const { headers, url } = JSON.parse(answer.body) as { url: string; headers: Record<string, string> }
    t.equal(url, '/echo/page')
    t.equal(headers['x-portcullis-user-id'], login.user.id, 'the verified user id, not the forged one')
    t.equal(headers['x-portcullis-username'], 'nell')
    t.equal(headers['x-portcullis-role'], 'user')
    t.ok(headers['x-portcullis-session-id'])
    t.notOk(headers.authorization, "the user's Portcullis token is not handed to the app")
    // Its signature is checked by hello-app above (and against the JWKS in gateway/test/forward-auth.test.ts); here, whose it is.
    const payload = JSON.parse(Buffer.from(headers['x-portcullis-identity']?.split('.')[1] ?? '', 'base64url').toString()) as { sub: string; aud: string }
    t.match(payload, { sub: login.user.id, aud: 'forward-auth' }, 'the identity token, for the default audience')
  })

  t.test('roles: the admin location refuses a user and lets an admin in', async (t) => {
    const refused = await send(`${base}/echo/admin/settings`, { ...bearer, ...navigation })
    t.equal(refused.status, 403)
    await db.updateTable('users').set({ role: 'admin' }).where('username', '=', 'nell').execute()
    const admin = (await (await post('/auth/login', { username: 'nell', password: PASSWORD })).json()) as { access_token: string }
    const allowed = await send(`${base}/echo/admin/settings`, { authorization: `Bearer ${admin.access_token}` })
    t.equal(allowed.status, 200)
    t.equal((JSON.parse(allowed.body) as { headers: Record<string, string> }).headers['x-portcullis-role'], 'admin')
  })

  t.test('a change on the cookie alone must come from this site', async (t) => {
    const crossSite = await send(`${base}/echo/form`, { ...cookie, 'sec-fetch-site': 'cross-site' }, 'POST')
    t.equal(crossSite.status, 403)
    t.equal((await send(`${base}/echo/form`, { ...cookie, origin: 'https://evil.example' }, 'POST')).status, 403)
    t.equal((await send(`${base}/echo/form`, { ...cookie, origin: base }, 'POST')).status, 200, 'an Origin of this host, with its port')
    t.equal((await send(`${base}/echo/form`, { ...cookie, 'sec-fetch-site': 'same-origin' }, 'POST')).status, 200)
  })

  t.test('Nginx had nothing to warn about (no uninitialised variable, no upstream error)', async (t) => {
    const log = await readFile(path.join(dir, 'logs', 'error.log'), 'utf8')
    t.notMatch(log, /\[(warn|error|crit|alert|emerg)\]/, log)
  })
})
