// The OpenID Connect provider through the gateway's public port, as real processes: discovery with PUBLIC_URL as the issuer,
// form posts to its token endpoints, its JWKS the one key ring, the tighter per-IP limit on the endpoints that check a client
// secret, and a problem answer when no instance is left; then, with a stand-in provider, what the gateway passes on as it is
// (bodies byte for byte, cookies both ways, Location, the forwarded origin) and that it adds no Content-Security-Policy there.
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer, type IncomingHttpHeaders, request } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import t from 'tap'
import { COMMAND_LINE_ACTOR } from '@portcullis/shared/audit/parties'
import { registerOidcClient } from '@portcullis/shared/oidc/clients'
import { testDatabaseKinds } from '@portcullis/testkit/databases'
import { startTestStack } from '@portcullis/testkit/stack'

const FORM = { 'content-type': 'application/x-www-form-urlencoded' }

function basic(clientId: string, clientSecret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64')}`
}

for (const kind of testDatabaseKinds()) {
  t.test(`the OpenID Connect provider through the gateway on ${kind}`, async (t) => {
    const stack = await startTestStack(t, kind)
    const issuer = stack.publicUrl

    t.test('discovery at the public port: issuer PUBLIC_URL, every endpoint under PUBLIC_URL/oidc/', async (t) => {
      // PUBLIC_URL is the gateway's port on localhost: the provider sees that origin through the gateway's X-Forwarded-Host.
      const res = await fetch(`${issuer}/.well-known/openid-configuration`)
      t.equal(res.status, 200)
      t.match(res.headers.get('content-type'), /application\/json/)
      t.ok(res.headers.get('x-request-id'), 'the gateway gave it a request id')
      const discovery = (await res.json()) as Record<string, unknown>
      t.equal(discovery.issuer, issuer)
      for (const name of ['authorization_endpoint', 'token_endpoint', 'jwks_uri', 'userinfo_endpoint', 'end_session_endpoint', 'introspection_endpoint']) {
        t.match(discovery[name], new RegExp(`^${issuer}/oidc/`), name)
      }
      const below = await fetch(`${issuer}/.well-known/openid-configuration/more`)
      t.equal(below.status, 404, 'nothing below the discovery path is routed')
      await below.body?.cancel()
    })

    t.test('a form post to /oidc/token reaches the provider: an unknown client is its invalid_client', async (t) => {
      const res = await fetch(`${stack.url}/oidc/token`, {
        method: 'POST',
        headers: FORM,
        body: new URLSearchParams({ grant_type: 'authorization_code', code: 'nothing', client_id: 'nobody', client_secret: 'nothing' }),
      })
      t.equal(res.status, 401)
      t.match(res.headers.get('content-type'), /application\/json/)
      t.match(await res.json(), { error: 'invalid_client' })
    })

    t.test("a registered client's secret opens introspection and revocation through the gateway", async (t) => {
      const { clientId, clientSecret } = await registerOidcClient(
        stack.database.handle.db,
        { name: `wiki-${kind}`, redirectUris: ['https://wiki.example/cb'], public: false, firstParty: false },
        { actorId: COMMAND_LINE_ACTOR },
        Date.now(),
      )
      const authorization = basic(clientId, clientSecret ?? '')
      const introspection = await fetch(`${stack.url}/oidc/token/introspection`, {
        method: 'POST',
        headers: { ...FORM, authorization },
        body: new URLSearchParams({ token: 'not-a-token' }),
      })
      t.equal(introspection.status, 200)
      t.same(await introspection.json(), { active: false })
      const revocation = await fetch(`${stack.url}/oidc/token/revocation`, {
        method: 'POST',
        headers: { ...FORM, authorization },
        body: new URLSearchParams({ token: 'not-a-token' }),
      })
      t.equal(revocation.status, 200)
      await revocation.body?.cancel()
      const wrong = await fetch(`${stack.url}/oidc/token/introspection`, {
        method: 'POST',
        headers: { ...FORM, authorization: basic(clientId, 'not the secret') },
        body: new URLSearchParams({ token: 'not-a-token' }),
      })
      t.equal(wrong.status, 401)
      t.match(await wrong.json(), { error: 'invalid_client' })
    })

    t.test("/oidc/jwks publishes the same keys as auth's JWKS", async (t) => {
      const provider = (await (await fetch(`${stack.url}/oidc/jwks`)).json()) as { keys: Array<{ kid: string }> }
      const auth = (await (await fetch(`${stack.url}/auth/.well-known/jwks.json`)).json()) as { keys: Array<{ kid: string }> }
      t.ok(auth.keys.length >= 1)
      t.same(provider.keys.map((key) => key.kid).sort(), auth.keys.map((key) => key.kid).sort())
    })

    t.test('a browser navigation to /oidc/auth reaches the provider, never the web app', async (t) => {
      const webDir = await mkdtemp(path.join(tmpdir(), 'portcullis-web-'))
      t.teardown(() => rm(webDir, { recursive: true, force: true }))
      await writeFile(path.join(webDir, 'index.html'), '<!doctype html><title>the web app</title>')
      const gateway = await stack.startGateway({ WEB_DIR: webDir })
      const navigate = { 'sec-fetch-mode': 'navigate', accept: 'text/html' }
      const page = await fetch(`${gateway.url}/login`, { headers: navigate })
      t.match(await page.text(), /the web app/, 'a page of the app is the app')
      for (const url of ['/oidc/auth?client_id=nobody&response_type=code&scope=openid', '/.well-known/openid-configuration']) {
        const res = await fetch(`${gateway.url}${url}`, { headers: navigate, redirect: 'manual' })
        t.notMatch(await res.text(), /the web app/, `${url}: the provider's`)
      }
    })

    t.test('the endpoints that check a client secret have the per-IP credential limit', async (t) => {
      const gateway = await stack.startGateway({ LOGIN_LIMIT_PER_IP: '3', RATE_LIMIT_PER_IP: '1000' })
      const post = (endpoint: string) =>
        fetch(`${gateway.url}${endpoint}`, {
          method: 'POST',
          headers: FORM,
          body: new URLSearchParams({ client_id: 'nobody', client_secret: 'x', token: 't' }),
        })
      const statuses: number[] = []
      for (const endpoint of ['/oidc/token', '/oidc/token/introspection', '/oidc/token/revocation', '/oidc/token']) {
        const res = await post(endpoint)
        statuses.push(res.status)
        if (res.status === 429) {
          t.match(res.headers.get('content-type'), /application\/problem\+json/)
          t.ok(Number(res.headers.get('retry-after')) >= 1, 'Retry-After')
          t.match(await res.json(), { code: 'rate_limited' })
        } else await res.body?.cancel()
      }
      t.same(statuses, [401, 401, 401, 429], 'the three share one count, as login does')
      const discovery = await fetch(`${gateway.url}/.well-known/openid-configuration`)
      t.equal(discovery.status, 200, 'discovery has only the general limit')
      await discovery.body?.cancel()
    })

    t.test("with every provider instance gone, the gateway's own problem answer", async (t) => {
      for (const instance of stack.oidcs) await instance.stop('SIGKILL')
      for (const [method, url] of [
        ['GET', '/.well-known/openid-configuration'],
        ['POST', '/oidc/token'],
      ] as const) {
        const res = await fetch(`${stack.url}${url}`, { method, ...(method === 'POST' ? { headers: FORM, body: 'grant_type=x' } : {}) })
        t.equal(res.status, 502, url)
        t.match(res.headers.get('content-type'), /application\/problem\+json/)
        t.match(await res.json(), { code: 'upstream_unavailable', status: 502 })
      }
    })
  })
}

interface Seen {
  method: string
  url: string
  headers: IncomingHttpHeaders
  body: Buffer
}

/** A stand-in provider: records what reached it, answers /readyz, a redirect with two cookies and an HTML page. */
async function startStandInProvider(): Promise<{ url: string; upstream: string; seen: Seen[]; close(): Promise<void> }> {
  const seen: Seen[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      if (req.url === '/readyz') return res.end('{"status":"ready"}')
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) })
      if (req.url?.startsWith('/oidc/redirect')) {
        res.writeHead(303, {
          location: 'https://wiki.example/cb?code=abc&state=x%2Fy',
          'set-cookie': ['_interaction=one; path=/oidc; httponly; samesite=lax', '_session=two; path=/; httponly; samesite=lax'],
        })
        return res.end()
      }
      if (req.url === '/oidc/page') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
        return res.end('<form method="post" action="https://wiki.example/cb"></form><script>document.forms[0].submit()</script>')
      }
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end('{}')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return { url, upstream: `${url}|${url}`, seen, close: () => new Promise((resolve) => server.close(() => resolve())) }
}

/** One request over node:http, which sends the Host and Cookie headers as given. */
function send(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: Buffer },
): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers: options.headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }))
    })
    req.on('error', reject)
    req.end(options.body)
  })
}

t.test('what the gateway passes on to the provider and back, as it is', async (t) => {
  const stack = await startTestStack(t, 'sqlite', { oidcInstances: 0 })
  const provider = await startStandInProvider()
  t.teardown(() => provider.close())
  const gateway = await stack.startGateway({ OIDC_UPSTREAMS: provider.upstream })

  t.test('request bodies of any type, byte for byte, with the cookies and the public origin', async (t) => {
    const bodies: Array<[string, Buffer]> = [
      ['application/x-www-form-urlencoded', Buffer.from('grant_type=authorization_code&code=a%2Bb%20c&redirect_uri=https%3A%2F%2Fwiki.example%2Fcb')],
      ['application/json', Buffer.from('{"client_id":"wiki", "nested": {"a": [1, 2]}}\n')],
      ['application/jwt', Buffer.from('eyJhbGciOiJFZERTQSJ9.e30.c2ln')],
      ['application/octet-stream', Buffer.from([0, 255, 1, 254, 10, 13])],
    ]
    for (const [type, body] of bodies) {
      const before = provider.seen.length
      const res = await send(`${gateway.url}/oidc/token`, {
        method: 'POST',
        headers: {
          'content-type': type,
          host: 'sso.example.test:8443',
          cookie: '_session=abc; portcullis_access=the-token',
          'x-forwarded-host': 'evil.example',
          'x-forwarded-proto': 'https',
        },
        body,
      })
      t.equal(res.status, 200, type)
      const got = provider.seen[before]
      t.ok(got?.body.equals(body), `${type}: the same bytes`)
      t.equal(got?.headers['content-type'], type)
      t.equal(got?.headers.cookie, '_session=abc; portcullis_access=the-token', 'the Cookie header as sent')
      t.equal(got?.headers['x-forwarded-host'], 'sso.example.test:8443', "the client's Host, not a forwarded one it made up")
      t.equal(got?.headers['x-forwarded-proto'], 'http', 'the protocol the gateway saw (this client is trusted by no one)')
      t.ok(got?.headers['x-request-id'])
    }
  })

  t.test('a redirect comes back with its Location untouched and every Set-Cookie', async (t) => {
    const res = await send(`${gateway.url}/oidc/redirect/abc`, {})
    t.equal(res.status, 303)
    t.equal(res.headers.location, 'https://wiki.example/cb?code=abc&state=x%2Fy')
    t.same(res.headers['set-cookie'], ['_interaction=one; path=/oidc; httponly; samesite=lax', '_session=two; path=/; httponly; samesite=lax'])
  })

  t.test("the provider's HTML pages get no Content-Security-Policy of the gateway's; its other security headers stay", async (t) => {
    const page = await send(`${gateway.url}/oidc/page`, {})
    t.equal(page.status, 200)
    t.match(page.body, /document\.forms\[0\]\.submit\(\)/)
    t.notOk(page.headers['content-security-policy'], 'no script-src or form-action of the web app blocks the form post')
    t.equal(page.headers['x-content-type-options'], 'nosniff')
    t.ok(page.headers['x-frame-options'], 'not to be framed by another site')
    const api = await send(`${gateway.url}/auth/.well-known/jwks.json`, {})
    t.ok(api.headers['content-security-policy'], "the gateway's other routes keep it")
  })
})
