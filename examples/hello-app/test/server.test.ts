// The example app as a real process, its JWKS served by a stand-in for auth from key pairs made here: it believes a token
// Portcullis would sign and nothing else (another app's, another issuer's, an expired one, a forged one, another key's),
// reads the plain headers only when told to, and escapes what it shows.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose'
import t, { type Test } from 'tap'
import { freePort, launchProcess, type RunningProcess, startProcess } from '@portcullis/testkit/processes'

const script = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../server.ts')
const ISSUER = 'portcullis-test'

const ed = await generateKeyPair('EdDSA', { extractable: true })
const es = await generateKeyPair('ES256', { extractable: true })
const stranger = await generateKeyPair('EdDSA', { extractable: true })
const keys = [
  { ...(await exportJWK(ed.publicKey)), kid: 'ed-1', alg: 'EdDSA', use: 'sig' },
  { ...(await exportJWK(es.publicKey)), kid: 'es-1', alg: 'ES256', use: 'sig' },
]

/** auth's JWKS, as the app fetches it. */
async function serveJwks(t: Test): Promise<string> {
  const jwks = createServer((req, res) => {
    if (req.url !== '/auth/.well-known/jwks.json') return res.writeHead(404).end()
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys }))
  })
  await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => jwks.close(() => resolve())))
  return `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/auth/.well-known/jwks.json`
}

async function startApp(t: Test, env: Record<string, string>): Promise<RunningProcess> {
  const port = await freePort()
  const app = await startProcess({
    name: 'hello-app',
    script,
    portcullis: false,
    env: { PORT: String(port), APP_NAME: 'hello', TOKEN_ISSUER: ISSUER, ...env },
    readyUrl: `http://127.0.0.1:${port}/healthz`,
    timeoutMs: 20_000,
  })
  t.teardown(() => app.stop('SIGKILL'))
  return app
}

const alice = { sub: '0190a3c4-0000-7000-8000-000000000001', sid: '0190a3c4-0000-7000-8000-0000000000a1', role: 'user', preferred_username: 'alice' }

interface TokenOptions {
  claims?: JWTPayload
  audience?: string
  issuer?: string
  /** Seconds from now. */
  issuedAt?: number
  expiresIn?: number
  key?: typeof ed.privateKey
  alg?: 'EdDSA' | 'ES256'
  kid?: string
}

/** An identity token as the gateway sends one (signed by Portcullis' key, for the app `hello`), unless told otherwise. */
function identityToken(options: TokenOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000)
  const alg = options.alg ?? 'EdDSA'
  const issuedAt = now + (options.issuedAt ?? 0)
  return new SignJWT({ ...alice, token_use: 'identity', ...options.claims })
    .setProtectedHeader({ alg, kid: options.kid ?? (alg === 'EdDSA' ? 'ed-1' : 'es-1') })
    .setIssuer(options.issuer ?? ISSUER)
    .setAudience(options.audience ?? 'hello')
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + (options.expiresIn ?? 60))
    .sign(options.key ?? (alg === 'EdDSA' ? ed.privateKey : es.privateKey))
}

async function get(app: RunningProcess, pathname: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${app.url}${pathname}`, { headers })
  const text = await res.text()
  return { status: res.status, type: res.headers.get('content-type'), cache: res.headers.get('cache-control'), text }
}

t.test('TRUST=token (the default): only a token Portcullis signed for this app', async (t) => {
  const app = await startApp(t, { JWKS_URL: await serveJwks(t) })

  t.test('health, and nothing else but its pages', async (t) => {
    t.same(JSON.parse((await get(app, '/healthz')).text), { status: 'ok' })
    t.equal((await get(app, '/admin')).status, 404)
    t.equal((await fetch(`${app.url}/whoami`, { method: 'POST' })).status, 405)
  })

  t.test('a guest: the public page greets them, /whoami does not know them', async (t) => {
    const home = await get(app, '/')
    t.equal(home.status, 200)
    t.equal(home.type, 'text/html; charset=utf-8')
    t.match(home.text, '<h1>Hello, guest</h1>')
    const whoami = await get(app, '/whoami')
    t.equal(whoami.status, 401)
    t.same(JSON.parse(whoami.text), { error: 'not_signed_in' })
  })

  t.test('a valid token: its user, on the page and in /whoami, kept by no shared cache', async (t) => {
    const headers = { 'x-portcullis-identity': await identityToken() }
    const home = await get(app, '/', headers)
    t.equal(home.status, 200)
    t.match(home.text, '<h1>Hello, alice</h1>')
    t.match(home.text, 'Your role: user')
    t.equal(home.cache, 'private, no-store')
    const whoami = await get(app, '/whoami', headers)
    t.equal(whoami.status, 200)
    t.same(JSON.parse(whoami.text), { user_id: alice.sub, username: 'alice', role: 'user', session_id: alice.sid, trust: 'token' })
  })

  t.test('an ES256 key of the set verifies too', async (t) => {
    const whoami = await get(app, '/whoami', { 'x-portcullis-identity': await identityToken({ alg: 'ES256', claims: { role: 'admin' } }) })
    t.equal(whoami.status, 200)
    t.match(JSON.parse(whoami.text), { username: 'alice', role: 'admin' })
  })

  t.test('the plain headers are not believed, with a token or without', async (t) => {
    const spoofed = { 'x-portcullis-user-id': 'root-id', 'x-portcullis-username': 'root', 'x-portcullis-role': 'admin', 'x-portcullis-session-id': 's' }
    const alone = await get(app, '/whoami', spoofed)
    t.equal(alone.status, 401)
    t.match((await get(app, '/', spoofed)).text, 'Hello, guest')
    const withToken = await get(app, '/whoami', { ...spoofed, 'x-portcullis-identity': await identityToken() })
    t.match(JSON.parse(withToken.text), { username: 'alice', role: 'user', user_id: alice.sub })
  })

  const refused: [string, () => Promise<string>][] = [
    ["another app's token", () => identityToken({ audience: 'billing' })],
    ["another issuer's", () => identityToken({ issuer: 'someone-else' })],
    ['an expired one', () => identityToken({ issuedAt: -180, expiresIn: 60 })],
    [
      'one with no expiry',
      () =>
        new SignJWT({ ...alice, token_use: 'identity' })
          .setProtectedHeader({ alg: 'EdDSA', kid: 'ed-1' })
          .setIssuer(ISSUER)
          .setAudience('hello')
          .sign(ed.privateKey),
    ],
    ["a stranger's key under Portcullis' kid (a bad signature)", () => identityToken({ key: stranger.privateKey })],
    ['a key of a kid the JWKS does not have', () => identityToken({ key: stranger.privateKey, kid: 'stranger-1' })],
    [
      'a token with its payload changed after signing',
      async () => {
        const [header, , signature] = (await identityToken()).split('.')
        const payload = Buffer.from(
          JSON.stringify({ ...alice, preferred_username: 'root', role: 'admin', token_use: 'identity', iss: ISSUER, aud: 'hello', exp: 9e9 }),
        )
        return `${header}.${payload.toString('base64url')}.${signature}`
      },
    ],
    [
      'an unsigned token (alg none)',
      async () => {
        const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')
        return `${part({ alg: 'none', kid: 'ed-1' })}.${part({ ...alice, token_use: 'identity', iss: ISSUER, aud: 'hello', exp: 9e9 })}.`
      },
    ],
    ['an access token signed for this audience (token_use not identity)', () => identityToken({ claims: { token_use: undefined } })],
    ['a token with no session', () => identityToken({ claims: { sid: undefined } })],
    ['not a JWT at all', async () => 'hello'],
  ]
  for (const [name, token] of refused) {
    t.test(`401 for ${name}`, async (t) => {
      const headers = { 'x-portcullis-identity': await token() }
      const whoami = await get(app, '/whoami', headers)
      t.equal(whoami.status, 401)
      t.same(JSON.parse(whoami.text), { error: 'invalid_identity' })
      const home = await get(app, '/', headers)
      t.equal(home.status, 401)
      t.notMatch(home.text, /Hello/)
    })
  }

  t.test('the username is escaped on the page', async (t) => {
    const username = `<script>alert("x")</script>&'`
    const home = await get(app, '/', { 'x-portcullis-identity': await identityToken({ claims: { preferred_username: username } }) })
    t.equal(home.status, 200)
    t.notMatch(home.text, '<script>')
    t.match(home.text, '<h1>Hello, &#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62;&#38;&#39;</h1>')
    t.match(home.text, '<title>Hello, &#60;script&#62;')
  })
})

t.test('TRUST=headers: the plain headers, as the gateway alone sends them', async (t) => {
  const app = await startApp(t, { TRUST: 'headers', JWKS_URL: 'http://127.0.0.1:9/unused' })
  const headers = { 'x-portcullis-user-id': alice.sub, 'x-portcullis-username': 'alice', 'x-portcullis-role': 'admin', 'x-portcullis-session-id': alice.sid }

  const whoami = await get(app, '/whoami', headers)
  t.equal(whoami.status, 200)
  t.same(JSON.parse(whoami.text), { user_id: alice.sub, username: 'alice', role: 'admin', session_id: alice.sid, trust: 'headers' })
  const home = await get(app, '/', { ...headers, 'x-portcullis-username': '<b>bob</b> & "co"' })
  t.match(home.text, '<h1>Hello, &#60;b&#62;bob&#60;/b&#62; &#38; &#34;co&#34;</h1>')
  t.match(home.text, 'Your role: admin')
  t.equal((await get(app, '/whoami')).status, 401)
  t.match((await get(app, '/')).text, 'Hello, guest')
})

t.test('a JWKS out of reach: 503, the token neither believed nor called bad', async (t) => {
  const app = await startApp(t, { JWKS_URL: `http://127.0.0.1:${await freePort()}/auth/.well-known/jwks.json` })
  const whoami = await get(app, '/whoami', { 'x-portcullis-identity': await identityToken() })
  t.equal(whoami.status, 503)
  t.same(JSON.parse(whoami.text), { error: 'identity_unverifiable' })
  t.match((await get(app, '/')).text, 'Hello, guest', 'a guest still gets the public page')
})

t.test('a setting it cannot use stops it at start, naming the variable', async (t) => {
  const app = await launchProcess({ name: 'hello-app', script, portcullis: false, env: { PORT: String(await freePort()), TRUST: 'yes' } })
  t.teardown(() => app.stop('SIGKILL'))
  t.equal(await app.exited, 2)
  t.match(app.output(), 'TRUST must be token or headers')
})
