// Every policy of the gateway (access, role, the login/signup rate-limit class) is decided on the path the router routes:
// no encoding of a prefix or a route gets a request past the gateway's checks, directly or behind Nginx. Seen from outside,
// the services' own request logs show that such a request never reached them.
import { randomUUID } from 'node:crypto'
import http from 'node:http'
import https from 'node:https'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { freePort } from '@portcullis/shared/net/free-port'
import { ensureSelfSignedCertificate, prepareLocalNginx } from '@portcullis/scripts/stack/local-nginx'
import { createSupervisor } from '@portcullis/scripts/stack/supervisor'
import { startTestStack } from '@portcullis/testkit/stack'

const webRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web')
const PASSWORD = 'correct horse battery staple'

interface Answer {
  status: number
  body: string
}

type Send = (method: string, rawPath: string, headers?: Record<string, string>, body?: string) => Promise<Answer>

/** A request with the path exactly as written: fetch() would resolve dot segments and backslashes before sending. */
function rawSender(origin: URL, ca?: string): Send {
  return (method, rawPath, headers = {}, body) =>
    new Promise((resolve, reject) => {
      const client = origin.protocol === 'https:' ? https : http
      const req = client.request(
        {
          host: '127.0.0.1',
          port: origin.port,
          method,
          path: rawPath,
          headers: { host: origin.host, ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
          ...(ca ? { ca, servername: 'localhost' } : {}),
          agent: false,
        },
        (res) => {
          let text = ''
          res.on('data', (chunk: Buffer) => {
            text += chunk.toString()
          })
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }))
        },
      )
      req.on('error', reject)
      req.end(body)
    })
}

const hex = (c: string, lower = false) => {
  const code = `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`
  return lower ? code.toLowerCase() : code
}

/** The ways a client might write one path so that a decoder downstream reads it as that path. */
export function encodingsOf(route: string): string[] {
  const [, prefix = '', rest = ''] = /^\/([^/]+)(.*)$/.exec(route) ?? []
  const variants = new Set<string>()
  // Each letter of the prefix encoded alone, upper- and lower-case hex, and the whole prefix encoded.
  for (let i = 0; i < prefix.length; i++) {
    const c = prefix[i] ?? ''
    variants.add(`/${prefix.slice(0, i)}${hex(c)}${prefix.slice(i + 1)}${rest}`)
    variants.add(`/${prefix.slice(0, i)}${hex(c, true)}${prefix.slice(i + 1)}${rest}`)
  }
  variants.add(`/${[...prefix].map((c) => hex(c)).join('')}${rest}`)
  // Letters of the route after the prefix, the slash between them, and double encoding.
  const firstLetter = rest.search(/[a-z]/)
  if (firstLetter > 0) variants.add(`/${prefix}${rest.slice(0, firstLetter)}${hex(rest[firstLetter] ?? '')}${rest.slice(firstLetter + 1)}`)
  variants.add(`/${prefix}${rest.replace(/[a-z]/g, (c) => hex(c))}`)
  variants.add(`/${prefix}%2F${rest.slice(1)}`)
  variants.add(`/${prefix}%2f${rest.slice(1)}`)
  variants.add(`/%25${hex(prefix[0] ?? '').slice(1)}${prefix.slice(1)}${rest}`)
  // Dot segments and backslashes from a public prefix into this one.
  variants.add(`/auth/../${prefix}${rest}`)
  variants.add(`/auth/%2e%2e/${prefix}${rest}`)
  variants.add(`/auth/.%2E/${prefix}${rest}`)
  variants.add(`/auth/%2E%2E%2F${prefix}${rest}`)
  variants.add(`/auth/..%2F${prefix}${rest}`)
  variants.add(`/auth\\..\\${prefix}${rest}`)
  variants.add(`/${prefix}/./${rest.slice(1)}`)
  variants.add(`/./${prefix}${rest}`)
  // Slashes, fragments, separators and a trailing dot or slash.
  variants.add(`//${prefix}${rest}`)
  variants.add(`/${prefix}${rest}/`)
  variants.add(`/${prefix}${rest}#x`)
  variants.add(`/${prefix}${rest};x=1`)
  variants.add(`/${prefix}${rest}%23`)
  variants.add(`/${prefix}${rest}%3F`)
  variants.add(`/${prefix.toUpperCase()}${rest}`)
  variants.delete(route)
  return [...variants]
}

const PROTECTED_ROUTES: Array<[method: string, route: string, needs: 'user' | 'admin']> = [
  ['GET', '/user/profile', 'user'],
  ['PATCH', '/user/profile', 'user'],
  ['GET', '/user/dashboard', 'user'],
  ['GET', '/user/sessions', 'user'],
  ['DELETE', '/user/sessions/0190e4a6-7c1b-7b5e-9f3a-1c2d3e4f5a6b', 'user'],
  ['GET', '/admin/dashboard', 'admin'],
  ['GET', '/admin/get-all-users', 'admin'],
  ['GET', '/admin/audit-events', 'admin'],
  ['PATCH', '/admin/users/0190e4a6-7c1b-7b5e-9f3a-1c2d3e4f5a6b', 'admin'],
  ['POST', '/admin/users/0190e4a6-7c1b-7b5e-9f3a-1c2d3e4f5a6b/revoke-sessions', 'admin'],
  ['POST', '/auth/logout-all', 'user'],
  ['POST', '/auth/password', 'user'],
  ['GET', '/auth/mfa', 'user'],
  ['POST', '/auth/mfa/totp/setup', 'user'],
  ['DELETE', '/auth/mfa/totp', 'user'],
]

t.test('encoded paths meet the same policy as the paths they spell (direct, and behind Nginx)', async (t) => {
  const stack = await startTestStack(t, 'sqlite', {
    env: { LOG_LEVEL: 'info' },
    gatewayEnv: { TRUST_PROXY: '127.0.0.1', RATE_LIMIT_PER_IP: '100000', LOGIN_LIMIT_PER_IP: '4' },
  })
  const signup = await fetch(`${stack.url}/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'mallory', password: PASSWORD }),
  })
  t.equal(signup.status, 201)
  const login = await fetch(`${stack.url}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'mallory', password: PASSWORD }),
  })
  const userToken = ((await login.json()) as { access_token: string }).access_token

  const dir = await mkdtemp(path.join(tmpdir(), 'portcullis-encoded-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const certificate = ensureSelfSignedCertificate(path.join(dir, 'tls'))
  const [httpsPort, httpPort] = [await freePort(), await freePort()]
  const nginx = await prepareLocalNginx({ dir: path.join(dir, 'nginx'), certificate, webRoot, gateway: new URL(stack.url).host, httpsPort, httpPort })
  const supervisor = createSupervisor((name) => console.error(`${name} kept crashing`))
  t.teardown(() => supervisor.stopAll('SIGTERM'))
  await supervisor.start(nginx.spec)

  const ways: Array<[string, Send]> = [
    ['direct', rawSender(new URL(stack.url))],
    ['behind Nginx', rawSender(new URL(`https://localhost:${httpsPort}`), await readFile(certificate.certificate, 'utf8'))],
  ]
  /** Whether a service ran a route for this request: its log line says so with any status but 404 (no route there). */
  const handledBehindTheGateway = (requestId: string) =>
    [...stack.users, ...stack.admins, ...stack.auths]
      .flatMap((p) => p.output().split('\n'))
      .some((line) => line.includes(requestId) && !line.includes('"statusCode":404'))

  for (const [way, send] of ways) {
    t.test(`${way}: no encoding of a protected route reaches a service without the gateway's checks`, async (t) => {
      let tried = 0
      for (const [method, route, needs] of PROTECTED_ROUTES) {
        const credentials: Array<[string, Record<string, string>]> = [['no token', {}]]
        if (needs === 'admin') credentials.push(["a user's token", { authorization: `Bearer ${userToken}` }])
        for (const variant of encodingsOf(route)) {
          for (const [who, headers] of credentials) {
            const id = `probe-${randomUUID()}`
            const answer = await send(method, variant, { ...headers, 'x-request-id': id }, method === 'GET' || method === 'DELETE' ? undefined : '{}')
            tried++
            if (answer.status >= 200 && answer.status < 300 && !answer.body.trimStart().startsWith('<!doctype html>')) {
              t.fail(`${method} ${variant} with ${who} answered ${answer.status}: ${answer.body.slice(0, 120)}`)
            }
            if (answer.status >= 500) t.fail(`${method} ${variant} answered ${answer.status}`)
            if (handledBehindTheGateway(id)) t.fail(`${method} ${variant} with ${who} was handled by a service (${answer.status})`)
          }
        }
      }
      t.ok(tried > 400, `${tried} encoded requests, none past the gateway's checks`)
    })

    t.test(`${way}: encoded login and signup paths count in the tight login bucket or are refused`, async (t) => {
      // Both ways reach the gateway as client 127.0.0.1 (Nginx passes it on): spend its login bucket with plain attempts first,
      // so that any variant the gateway routes to login or signup must now meet 429.
      for (let i = 0; i < 5; i++) await send('POST', '/auth/login', {}, JSON.stringify({ username: 'mallory', password: 'wrong but long enough' }))
      const outcomes: string[] = []
      for (const route of ['/auth/login', '/auth/signup', '/auth/password/forgot', '/auth/password/reset', '/auth/email/verify/resend', '/auth/login/mfa']) {
        for (const variant of encodingsOf(route)) {
          const answer = await send('POST', variant, {}, JSON.stringify({ username: 'mallory', password: 'wrong but long enough' }))
          outcomes.push(`${variant} ${answer.status}`)
          // 405: Nginx, for a path it does not send to the gateway at all.
          if (![400, 404, 405, 429].includes(answer.status)) t.fail(`POST ${variant} answered ${answer.status}: outside the login bucket`)
        }
      }
      t.pass(`${outcomes.length} variants refused or limited`)
    })
  }

  t.test('the plain paths still work, and the refusal says what is wrong', async (t) => {
    const [, send] = ways[0] ?? []
    if (!send) throw new Error('no sender')
    const profile = await send('GET', '/user/profile', { authorization: `Bearer ${userToken}` })
    t.equal(profile.status, 200)
    const encoded = await send('GET', '/%75ser/profile', { authorization: `Bearer ${userToken}` })
    t.equal(encoded.status, 400)
    t.match(JSON.parse(encoded.body), { code: 'bad_request', detail: /percent-encodes letters/ })
    const dotted = await send('GET', '/auth/..%2Fuser/profile', { authorization: `Bearer ${userToken}` })
    t.equal(dotted.status, 400)
    t.match(JSON.parse(dotted.body), { code: 'bad_request', detail: /segments/ })
  })
})
