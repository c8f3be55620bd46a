// The web app in Chromium through a real Nginx over HTTPS (self-signed), rendered from infra/nginx/portcullis.conf as
// pnpm start:tls does, in front of the real stack: security headers, caching, compression, the redirect, TLS versions
// and the client's address as the gateway learns it.
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import http, { type IncomingHttpHeaders } from 'node:http'
import https from 'node:https'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { gunzipSync } from 'node:zlib'
import { testSettings } from '@portcullis/testkit/settings'
import t from 'tap'
import type { Browser, Page } from 'playwright-core'
import { freePort } from '@portcullis/shared/net/free-port'
import { startTestStack } from '@portcullis/testkit/stack'
import { ensureSelfSignedCertificate, prepareLocalNginx } from '@portcullis/scripts/stack/local-nginx'
import { createSupervisor } from '@portcullis/scripts/stack/supervisor'
import { ensureWebBuild } from '@portcullis/scripts/stack/web-build'
import { launchChromium, screenshot } from './browser.ts'

const web = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const PASSWORD = 'correct horse battery staple'
const kind = testSettings().E2E_DATABASE

interface Answer {
  status: number
  headers: IncomingHttpHeaders
  /** How many times each header came, by lower-case name. */
  counts: Map<string, number>
  body: Buffer
}

/** The assertions the header checks use, from a tap test. */
interface Assert {
  match(found: unknown, pattern: RegExp, message: string): boolean
  equal(found: unknown, wanted: unknown, message: string): boolean
}

interface RequestOptions {
  method?: string
  headers?: Record<string, string>
  body?: string
  /** The address this end connects from (127.0.0.2 stands for a client other than Nginx's own 127.0.0.1). */
  localAddress?: string
}

t.test(`the web app through Nginx over HTTPS (${kind})`, async (t) => {
  const webDir = ensureWebBuild(web)
  // No WEB_DIR for the gateway: Nginx serves the app, pages under /admin and /user included, and the gateway believes
  // X-Forwarded-For from Nginx (127.0.0.1) alone.
  const stack = await startTestStack(t, kind, { gatewayEnv: { TRUST_PROXY: '127.0.0.1' } })
  const dir = await mkdtemp(path.join(tmpdir(), 'portcullis-tls-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const certificate = ensureSelfSignedCertificate(path.join(dir, 'tls'))
  const ca = await readFile(certificate.certificate, 'utf8')
  const [httpsPort, httpPort] = [await freePort(), await freePort()]
  const nginx = await prepareLocalNginx({ dir: path.join(dir, 'nginx'), certificate, webRoot: webDir, gateway: new URL(stack.url).host, httpsPort, httpPort })
  const supervisor = createSupervisor((name) => console.error(`${name} kept crashing`))
  t.teardown(() => supervisor.stopAll('SIGTERM'))
  await supervisor.start(nginx.spec)
  const base = `https://localhost:${httpsPort}`
  const browser: Browser = await launchChromium()
  t.teardown(() => browser.close())
  const db = stack.database.handle.db

  /** One request to Nginx on 127.0.0.1 as Host localhost, verifying the self-signed certificate over HTTPS. */
  function request(scheme: 'https' | 'http', pathname: string, options: RequestOptions = {}): Promise<Answer> {
    const port = scheme === 'https' ? httpsPort : httpPort
    return new Promise((resolve, reject) => {
      const client = scheme === 'https' ? https : http
      const req = client.request(
        `${scheme}://127.0.0.1:${port}${pathname}`,
        {
          method: options.method ?? 'GET',
          headers: { host: `localhost:${port}`, ...options.headers },
          ca,
          servername: 'localhost',
          localAddress: options.localAddress,
          agent: false,
          timeout: 10_000,
        },
        (res) => {
          const chunks: Buffer[] = []
          res.on('data', (chunk: Buffer) => chunks.push(chunk))
          res.on('end', () => {
            const counts = new Map<string, number>()
            for (let i = 0; i < res.rawHeaders.length; i += 2) {
              const name = res.rawHeaders[i]?.toLowerCase() ?? ''
              counts.set(name, (counts.get(name) ?? 0) + 1)
            }
            resolve({ status: res.statusCode ?? 0, headers: res.headers, counts, body: Buffer.concat(chunks) })
          })
        },
      )
      req.on('timeout', () => req.destroy(new Error(`${pathname} timed out`)))
      req.on('error', reject)
      req.end(options.body)
    })
  }

  async function signUpByApi(username: string): Promise<void> {
    const res = await request('https', '/auth/signup', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, email: `${username}@example.com`, password: PASSWORD }),
    })
    if (res.status !== 201) throw new Error(`signup ${username}: ${res.status} ${res.body.toString()}`)
  }

  async function logIn(page: Page, username: string): Promise<void> {
    await page.goto(`${base}/login`)
    await page.getByLabel('Username or email').fill(username)
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.waitForURL(`${base}/dashboard`)
  }

  async function loginAddresses(username: string): Promise<Array<string | null>> {
    const user = await db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirstOrThrow()
    const events = await db.selectFrom('audit_events').select('ip').where('user_id', '=', user.id).where('type', '=', 'login_succeeded').execute()
    return events.map((event) => event.ip)
  }

  /** Every header Nginx adds for security, each sent once. */
  function checkSecurityHeaders(t: Assert, res: Answer, what: string): void {
    t.match(res.headers['strict-transport-security'], /^max-age=\d{8,}; includeSubDomains$/, `${what}: HSTS`)
    t.match(res.headers['content-security-policy'], /^default-src 'self'; script-src 'self'; .*frame-ancestors 'none'/, `${what}: CSP`)
    t.equal(res.headers['x-content-type-options'], 'nosniff', `${what}: nosniff`)
    t.equal(res.headers['referrer-policy'], 'no-referrer', `${what}: Referrer-Policy`)
    t.equal(res.headers['x-frame-options'], 'DENY', `${what}: X-Frame-Options`)
    t.match(res.headers['permissions-policy'], /camera=\(\)/, `${what}: Permissions-Policy`)
    for (const name of ['strict-transport-security', 'content-security-policy', 'x-content-type-options', 'referrer-policy']) {
      t.equal(res.counts.get(name), 1, `${what}: one ${name}`)
    }
  }

  t.test('sign in over HTTPS, reload and stay in, with no CSP violation', async (t) => {
    await signUpByApi('tlsuser')
    const context = await browser.newContext({ ignoreHTTPSErrors: true })
    t.teardown(() => context.close())
    const page = await context.newPage()
    const violations: string[] = []
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text())
    })
    await logIn(page, 'tlsuser')
    await page.getByText('tlsuser@example.com').first().waitFor()
    await screenshot(page, 'tls-dashboard')
    const refresh = (await context.cookies()).find((c) => c.name === 'portcullis_refresh')
    t.equal(refresh?.secure, true, 'the refresh cookie is Secure')
    t.equal(refresh?.httpOnly, true, 'and HttpOnly')

    await page.reload()
    await page.getByText('tlsuser@example.com').first().waitFor()
    t.equal(new URL(page.url()).pathname, '/dashboard', 'still signed in after a reload: the Secure cookie came back over HTTPS')
    await page.goto(`${base}/profile`)
    await page.getByRole('heading', { level: 1 }).first().waitFor()
    await screenshot(page, 'tls-profile')
    t.same(violations, [], 'the app runs under the strict CSP')
    const ran = await page.evaluate(async () => {
      const script = document.createElement('script')
      script.textContent = 'document.body.dataset.inline = "ran"'
      document.head.append(script)
      await new Promise((resolve) => setTimeout(resolve, 100))
      return document.body.dataset.inline === 'ran'
    })
    t.equal(ran, false, 'an inline script is refused')
    t.match(violations.join('\n'), /Content Security Policy/, 'and reported as a CSP violation')
  })

  t.test('a plain user who opens /admin gets the 403 page, served by Nginx', async (t) => {
    await signUpByApi('tlsplain')
    const context = await browser.newContext({ ignoreHTTPSErrors: true })
    t.teardown(() => context.close())
    const page = await context.newPage()
    await logIn(page, 'tlsplain')
    await page.goto(`${base}/admin`)
    await page.getByRole('heading', { name: 'You cannot open this page' }).waitFor()
    await screenshot(page, 'tls-forbidden')
    t.pass('403 page shown')
  })

  t.test('plain HTTP answers 301 to HTTPS', async (t) => {
    const res = await request('http', '/dashboard?from=http')
    t.equal(res.status, 301)
    t.equal(res.headers.location, `https://localhost:${httpsPort}/dashboard?from=http`)
    const context = await browser.newContext({ ignoreHTTPSErrors: true })
    t.teardown(() => context.close())
    const page = await context.newPage()
    await page.goto(`http://localhost:${httpPort}/login`)
    await page.getByRole('button', { name: 'Sign in' }).waitFor()
    t.equal(page.url(), `${base}/login`, 'the browser lands on the HTTPS page')
    await screenshot(page, 'tls-login')
  })

  t.test('security headers, caching and compression over HTTPS', async (t) => {
    const page = await request('https', '/', { headers: { accept: 'text/html' } })
    t.equal(page.status, 200)
    t.match(page.headers['content-type'], /^text\/html/)
    checkSecurityHeaders(t, page, 'the app at /')
    t.equal(page.headers['cache-control'], 'no-cache', 'index.html is revalidated every time')
    t.equal((await request('https', '/index.html')).headers['cache-control'], 'no-cache')

    const adminPage = await request('https', '/admin/audit', { headers: { accept: 'text/html', 'sec-fetch-mode': 'navigate' } })
    t.equal(adminPage.status, 200, 'a navigation to /admin/audit is the app')
    t.equal(adminPage.body.toString(), readFileSync(path.join(webDir, 'index.html'), 'utf8'))

    const api = await request('https', '/auth/.well-known/jwks.json')
    t.equal(api.status, 200)
    t.match(api.headers['content-type'], /^application\/json/)
    checkSecurityHeaders(t, api, 'an API answer')
    t.ok(api.headers['x-request-id'], 'the request id comes back')
    const denied = await request('https', '/admin/get-all-users', { headers: { accept: 'application/json' } })
    t.equal(denied.status, 401, 'the same path prefix without a page navigation is the API')
    checkSecurityHeaders(t, denied, 'an API error')
    t.notOk(denied.headers['content-encoding'], 'API answers are not compressed')

    const script = /src="(\/assets\/[^"]+\.js)"/.exec(page.body.toString())?.[1] ?? ''
    t.ok(script, `index.html loads ${script}`)
    const gzipped = await request('https', script, { headers: { 'accept-encoding': 'gzip' } })
    t.equal(gzipped.status, 200)
    t.equal(gzipped.headers['cache-control'], 'public, max-age=31536000, immutable', 'hashed assets are cached for good')
    t.equal(gzipped.headers['content-encoding'], 'gzip')
    t.match(gzipped.headers.vary, /Accept-Encoding/)
    const original = readFileSync(path.join(webDir, script))
    t.ok(gunzipSync(gzipped.body).equals(original), 'and unzip to the built file')
    t.ok(gzipped.body.length < original.length / 2, `${gzipped.body.length} bytes instead of ${original.length}`)
    const plain = await request('https', script)
    t.notOk(plain.headers['content-encoding'], 'not compressed for a client that does not ask')
    t.equal((await request('https', '/assets/no-such-file.js')).status, 404, 'a missing asset is 404, not the app')

    for (const hidden of ['/internal/revocations', '/metrics', '/healthz', '/readyz']) {
      t.equal((await request('https', hidden)).status, 404, `${hidden} is not published`)
    }
  })

  t.test('TLS 1.2 and 1.3 only', async (t) => {
    const handshake = (version: string) =>
      spawnSync(
        'openssl',
        // SECLEVEL=0 lets this client offer TLS 1.1 at all, so a failure is the server's refusal.
        [
          's_client',
          '-connect',
          `127.0.0.1:${httpsPort}`,
          '-servername',
          'localhost',
          '-CAfile',
          certificate.certificate,
          version,
          '-cipher',
          'DEFAULT@SECLEVEL=0',
        ],
        { input: '', encoding: 'utf8', timeout: 15_000 },
      )
    const old = handshake('-tls1_1')
    t.not(old.status, 0, 'TLS 1.1 is refused')
    t.match(old.stdout, /no peer certificate available/, 'before any certificate is sent')
    // Alert 70 is Nginx's ssl_protocols saying no; OpenSSL's own security level alone would answer 80 (internal error).
    t.match(old.stderr, /alert protocol version/, 'with a protocol-version alert')
    for (const [flag, name] of [
      ['-tls1_3', 'TLSv1.3'],
      ['-tls1_2', 'TLSv1.2'],
    ] as const) {
      const result = handshake(flag)
      t.equal(result.status, 0, `${name} works`)
      t.match(result.stdout, new RegExp(`New, ${name.replace('.', '\\.')}, Cipher is `), `${name} negotiated`)
      t.match(result.stdout, /Verify return code: 0 \(ok\)/, 'with the self-signed certificate for localhost')
    }
  })

  t.test('the gateway learns the client address from Nginx, never from the client', async (t) => {
    await signUpByApi('tlsaddress')
    const context = await browser.newContext({ ignoreHTTPSErrors: true })
    t.teardown(() => context.close())
    const page = await context.newPage()
    await logIn(page, 'tlsaddress')
    t.same(await loginAddresses('tlsaddress'), ['127.0.0.1'], "the browser's sign-in is recorded with the browser's address")

    // From another address, claiming a third one: Nginx sets X-Forwarded-For to what it saw, and the gateway believes it.
    const res = await request('https', '/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.9' },
      body: JSON.stringify({ username: 'tlsaddress', password: PASSWORD }),
      localAddress: '127.0.0.2',
    })
    t.equal(res.status, 200)
    const addresses = await loginAddresses('tlsaddress')
    t.ok(addresses.includes('127.0.0.2'), `the second sign-in is recorded from 127.0.0.2 (${addresses.join(', ')})`)
    t.notOk(addresses.includes('203.0.113.9'), 'the address the client made up is not believed')
  })
})
