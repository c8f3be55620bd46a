// pnpm start:tls on the embedded database: the stack behind a local Nginx over HTTPS, and a clean stop of all of it.
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import http from 'node:http'
import https from 'node:https'
import { type AddressInfo, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { freePort } from '@portcullis/shared/net/free-port'
import { startService } from '@portcullis/testkit/processes'
import { runStack } from '@portcullis/testkit/stack-run'

const startTls = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../start-tls.ts')
const light = { LOG_LEVEL: 'warn', ARGON2_MEMORY_KIB: '4096', ARGON2_TIME_COST: '1' }

function post(url: string, ca: string, body: unknown): Promise<{ status: number; hsts: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method: 'POST', ca, headers: { 'content-type': 'application/json' }, timeout: 10_000 }, (res) => {
      res.resume()
      res.on('end', () => resolve({ status: res.statusCode ?? 0, hsts: res.headers['strict-transport-security'] }))
    })
    req.on('timeout', () => req.destroy(new Error('timed out')))
    req.on('error', reject)
    req.end(JSON.stringify(body))
  })
}

function get(
  url: string,
  ca: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; type: string | undefined; csp: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.get(url, { ca, servername: 'localhost', headers, timeout: 10_000 }, (res) => {
      let body = ''
      res.on('data', (chunk: Buffer) => (body += chunk.toString()))
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], csp: String(res.headers['content-security-policy'] ?? ''), body }),
      )
    })
    req.on('timeout', () => req.destroy(new Error('timed out')))
    req.on('error', reject)
  })
}

/** Logs in at `url` from a chosen local address claiming another client address, and returns the access token. */
function loginFrom(url: string, from: string, ca: string): Promise<string> {
  const client = url.startsWith('https:') ? https : http
  return new Promise((resolve, reject) => {
    const req = client.request(
      url,
      {
        method: 'POST',
        ca,
        servername: 'localhost',
        localAddress: from,
        headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.9' },
        timeout: 10_000,
      },
      (res) => {
        let body = ''
        res.on('data', (chunk: Buffer) => (body += chunk.toString()))
        res.on('end', () => resolve(String((JSON.parse(body) as { access_token?: string }).access_token)))
      },
    )
    req.on('timeout', () => req.destroy(new Error('timed out')))
    req.on('error', reject)
    req.end(JSON.stringify({ username: 'admin', password: 'the boss passphrase' }))
  })
}

t.test('the stack behind Nginx on https://localhost, stopped together', async (t) => {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'portcullis-start-tls-'))
  t.teardown(() => rm(dataDir, { recursive: true, force: true }))
  const [httpsPort, httpPort] = [await freePort(), await freePort()]
  const env = { ...light, DATA_DIR: dataDir, HTTPS_PORT: String(httpsPort), HTTP_PORT: String(httpPort), ADMIN_PASSWORD: 'the boss passphrase' }
  const stack = await startService(startTls, env, { timeoutMs: 150_000, stack: true })
  t.teardown(() => stack.stop('SIGKILL'))
  for (let i = 0; i < 300 && !/ready at|exited/.test(stack.output()); i++) await new Promise((resolve) => setTimeout(resolve, 100))
  t.match(stack.output(), `ready at https://localhost:${httpsPort}`, 'the HTTPS URL is printed once Nginx serves')

  const ca = await readFile(path.join(dataDir, 'tls', 'localhost.crt'), 'utf8')
  const login = await post(`https://127.0.0.1:${httpsPort}/auth/login`, ca, { username: 'admin', password: 'the boss passphrase' })
  t.equal(login.status, 200, 'the admin signs in through Nginx, over HTTPS with the self-signed certificate')
  t.match(login.hsts, /max-age=/)
  t.ok(existsSync(path.join(dataDir, 'nginx', 'nginx.conf')), 'the config is rendered into DATA_DIR/nginx')

  const docs = await get(`https://127.0.0.1:${httpsPort}/docs/`, ca)
  t.equal(docs.status, 200, '/docs/ is the API documentation, through Nginx')
  t.match(docs.body, /swagger-ui-bundle\.js/, 'Swagger UI, not the web app')
  t.match(docs.csp, /script-src 'self';.*style-src 'self' 'unsafe-inline';/, 'its scripts from this origin only, its inline styles allowed')
  const spec = await get(`https://127.0.0.1:${httpsPort}/docs/json`, ca)
  t.equal(spec.status, 200, '/docs/json answers')
  t.match(JSON.parse(spec.body), { openapi: /^3\./, paths: { '/auth/login': {} } }, 'with the merged OpenAPI document')
  const css = await get(`https://127.0.0.1:${httpsPort}/docs/static/swagger-ui.css`, ca)
  t.equal(css.status, 200, 'and its assets')
  t.match(css.type, /text\/css/)
  const app = await get(`https://127.0.0.1:${httpsPort}/`, ca)
  t.notMatch(app.csp, /unsafe-inline/, 'the web app keeps the strict policy')

  // The OpenID Connect provider through Nginx and the gateway: the issuer is PUBLIC_URL, its endpoints on the origin the
  // browser used, port and all (Nginx forwards the host as sent, the gateway believes Nginx, the provider the gateway).
  const discovery = await get(`https://127.0.0.1:${httpsPort}/.well-known/openid-configuration`, ca, { host: `localhost:${httpsPort}` })
  t.equal(discovery.status, 200, 'OpenID Connect discovery through Nginx')
  const document = JSON.parse(discovery.body) as { issuer?: string; token_endpoint?: string; jwks_uri?: string }
  t.equal(document.issuer, `https://localhost:${httpsPort}`, 'the issuer is the HTTPS address')
  t.equal(document.token_endpoint, `https://localhost:${httpsPort}/oidc/token`, 'its endpoints under it, on https and this port')
  t.equal(discovery.csp, '', "none of the site's Content-Security-Policy on the provider's answers")
  const jwks = await get(`https://127.0.0.1:${httpsPort}/oidc/jwks`, ca, { host: `localhost:${httpsPort}` })
  t.equal(jwks.status, 200, '/oidc/jwks through Nginx, not the web app')
  t.match(JSON.parse(jwks.body), { keys: [{ kid: /./ }] })

  // The gateway believes X-Forwarded-For from Nginx's own address (127.0.0.3) only.
  const recorded = async (token: string) => {
    const res = await fetch(`${stack.url}/user/sessions`, { headers: { authorization: `Bearer ${token}` } })
    return ((await res.json()) as { sessions: Array<{ current: boolean; ip: string }> }).sessions.find((s) => s.current)?.ip
  }
  t.equal(
    await recorded(await loginFrom(`https://127.0.0.1:${httpsPort}/auth/login`, '127.0.0.4', ca)),
    '127.0.0.4',
    "through Nginx: the client's real address",
  )
  t.equal(
    await recorded(await loginFrom(`${stack.url}/auth/login`, '127.0.0.1', ca)),
    '127.0.0.1',
    'straight to the gateway from 127.0.0.1: its X-Forwarded-For is not believed',
  )
  t.match(await readFile(path.join(dataDir, 'nginx', 'portcullis.conf'), 'utf8'), /proxy_bind 127\.0\.0\.3;/)

  const nginxPid = (await readFile(path.join(dataDir, 'nginx', 'nginx.pid'), 'utf8')).trim()
  t.ok(existsSync(`/proc/${nginxPid}`), `Nginx runs (pid ${nginxPid})`)
  t.equal(await stack.stop('SIGINT'), 0, 'Ctrl-C stops the stack cleanly')
  for (let i = 0; i < 50 && existsSync(`/proc/${nginxPid}`); i++) await new Promise((resolve) => setTimeout(resolve, 100))
  t.notOk(existsSync(`/proc/${nginxPid}`), 'and Nginx with it')
})

t.test('a taken HTTPS_PORT is refused before anything starts', async (t) => {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'portcullis-start-tls-'))
  t.teardown(() => rm(dataDir, { recursive: true, force: true }))
  const taken = createServer()
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve))
  t.teardown(() => taken.close())
  const httpsPort = (taken.address() as AddressInfo).port
  const stack = runStack(startTls, {
    ...light,
    PORT: String(await freePort()),
    DATA_DIR: dataDir,
    HTTPS_PORT: String(httpsPort),
    HTTP_PORT: String(await freePort()),
  })
  t.teardown(() => stack.stop('SIGKILL'))
  t.equal(await stack.exited, 2, 'exits 2')
  t.match(stack.output(), `HTTPS_PORT ${httpsPort} on 127.0.0.1 is already in use`)
  t.notMatch(stack.output(), /ready at|migrated/)
})
