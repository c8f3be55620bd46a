// Your own apps behind the gateway (APPS_FILE), with auth, user and admin as real processes and two real app instances:
// public, user and admin rules; identity headers a client forged never reach the app, the verified ones do, and the signed
// identity verifies against the JWKS for the app's audience; the browser's cookie with its CSRF check; a signed-out page
// sent to the login page; a WebSocket through the gateway; revocation within seconds; failover across the instances; the
// prefix stripped; SIGHUP reloads under load with no failed request, and a broken file changes nothing.
import { writeFileSync } from 'node:fs'
import { mkdtemp } from 'node:fs/promises'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { createRemoteJWKSet, jwtVerify } from 'jose'
import t from 'tap'
import { WebSocket, WebSocketServer } from 'ws'
import { testDatabaseKinds } from '@portcullis/testkit/databases'
import { startEchoUpstream } from '@portcullis/testkit/echo-upstream'
import { startTestStack } from '@portcullis/testkit/stack'

const PASSWORD = 'correct horse battery staple'

interface Echoed {
  upstream: string
  method: string
  url: string
  headers: Record<string, string>
}

let liveUpstream = ''

function appsYaml(echo: string[], extra = ''): string {
  return `apps:
  - name: live
    prefix: /live
    upstreams: [${liveUpstream}]
    access: user
  - name: echo
    prefix: /echo
    upstreams: [${echo.join(', ')}]
    access: user
    rules:
      - { path: /echo/public, access: public }
      - { path: /echo/admin, access: admin }
      - { path: /echo/reports, methods: [POST], access: admin }
  - name: plain
    prefix: /plain
    upstreams: [${echo[0]}]
    access: public
    strip_prefix: true
    body_limit: 40000
  - name: limited
    prefix: /limited
    upstreams: [${echo[0]}]
    access: public
    rate_limit_per_ip: 3
${extra}`
}

for (const kind of testDatabaseKinds()) {
  t.test(`apps behind the gateway on ${kind}`, async (t) => {
    const echoA = await startEchoUpstream('a')
    const echoB = await startEchoUpstream('b')
    t.teardown(() => Promise.all([echoA.close(), echoB.close()]))
    const live = await startWebSocketUpstream()
    t.teardown(() => live.close())
    liveUpstream = live.url
    const dir = await mkdtemp(path.join(tmpdir(), 'portcullis-apps-'))
    const appsFile = path.join(dir, 'apps.yaml')
    writeFileSync(appsFile, appsYaml([echoA.url, echoB.url]))
    const stack = await startTestStack(t, kind, { gatewayEnv: { APPS_FILE: appsFile } })
    const db = stack.database.handle.db
    const call = async (method: string, route: string, headers: Record<string, string> = {}, body?: unknown) => {
      const res = await fetch(`${stack.url}${route}`, {
        method,
        redirect: 'manual',
        headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
      })
      const text = await res.text()
      return { status: res.status, headers: res.headers, json: <T = Record<string, unknown>>(): T => JSON.parse(text) as T }
    }
    async function signIn(username: string, role: 'user' | 'admin' = 'user') {
      t.equal((await call('POST', '/auth/signup', {}, { username, password: PASSWORD })).status, 201)
      if (role === 'admin') await db.updateTable('users').set({ role }).where('username', '=', username).execute()
      const login = await call('POST', '/auth/login', {}, { username, password: PASSWORD })
      return login.json<{ access_token: string; refresh_token: string; user: { id: string } }>()
    }
    const bearer = (token: string) => ({ authorization: `Bearer ${token}` })
    const forged = { 'x-portcullis-user-id': 'forged', 'x-portcullis-role': 'admin', 'x-portcullis-identity': 'forged.token.here', 'x-portcullis-extra': '1' }

    const user = await signIn('uta')
    const admin = await signIn('ada', 'admin')

    t.test('signed out: a public route is served, a protected one refuses, and a page goes to the login page', async (t) => {
      const open = await call('GET', '/echo/public/page?x=1', forged)
      t.equal(open.status, 200)
      const seen = open.json<Echoed>()
      t.equal(seen.url, '/echo/public/page?x=1', 'the path as sent')
      t.notOk(
        Object.keys(seen.headers).some((name) => name.startsWith('x-portcullis-')),
        'no identity header a client sent reaches the app',
      )
      const refused = await call('GET', '/echo/private')
      t.equal(refused.status, 401)
      t.equal(refused.json().code, 'unauthenticated')
      const page = await navigate(`${stack.url}/echo/private/page?tab=2`)
      t.equal(page.status, 302)
      t.equal(page.location, `/login?next=${encodeURIComponent('/echo/private/page?tab=2')}`)
      const expired = await navigate(`${stack.url}/echo/private`, { cookie: 'portcullis_access=not.a.token' })
      t.equal(expired.status, 302, 'a cookie that no longer verifies: to the login page too')
      t.equal((await call('GET', '/nowhere')).status, 404, 'no app there')
    })

    t.test('signed in: the verified identity as headers and as a token for this app alone', async (t) => {
      const answer = await call('GET', '/echo/private', { ...bearer(user.access_token), ...forged })
      t.equal(answer.status, 200)
      const { headers } = answer.json<Echoed>()
      t.equal(headers['x-portcullis-user-id'], user.user.id)
      t.equal(headers['x-portcullis-username'], 'uta')
      t.equal(headers['x-portcullis-role'], 'user')
      t.ok(headers['x-portcullis-session-id'])
      t.notOk(headers['x-portcullis-extra'], 'forged headers are removed, not only overwritten')
      t.notOk(headers.authorization, "the user's Portcullis token is not handed to the app")
      const jwks = createRemoteJWKSet(new URL(`${stack.url}/auth/.well-known/jwks.json`))
      const { payload } = await jwtVerify(headers['x-portcullis-identity'] ?? '', jwks, { audience: 'echo', issuer: 'portcullis' })
      t.equal(payload.sub, user.user.id)
      t.equal(payload.preferred_username, 'uta')
      t.equal(payload.sid, headers['x-portcullis-session-id'])
      t.ok((payload.exp ?? 0) - (payload.iat ?? 0) <= 60, 'short-lived')
      await t.rejects(jwtVerify(headers['x-portcullis-identity'] ?? '', jwks, { audience: 'plain', issuer: 'portcullis' }), 'not for another app')
      const publicWithSession = (await call('GET', '/echo/public', bearer(user.access_token))).json<Echoed>()
      t.equal(publicWithSession.headers['x-portcullis-username'], 'uta', 'a public route gets the identity when a session came')
      const publicBadToken = await call('GET', '/echo/public', bearer('not.a.token'))
      t.equal(publicBadToken.status, 200, 'a token that does not verify on a public route: served as to anyone')
      t.notOk(publicBadToken.json<Echoed>().headers['x-portcullis-user-id'])
      t.equal((await call('GET', '/echo/private', bearer('not.a.token'))).json().code, 'invalid_token')
    })

    t.test('rules: admin paths, and a rule for one method', async (t) => {
      t.equal((await call('GET', '/echo/admin/settings', bearer(user.access_token))).status, 403)
      t.equal((await call('GET', '/echo/admin/settings', bearer(admin.access_token))).status, 200)
      t.equal((await call('POST', '/echo/reports', bearer(user.access_token), {})).status, 403)
      t.equal((await call('GET', '/echo/reports', bearer(user.access_token))).status, 200, 'another method falls to the app’s access')
      t.equal((await call('POST', '/echo/reports', bearer(admin.access_token), { n: 1 })).status, 200)
    })

    t.test('the browser cookie: a page is let in, a cross-site change is not, our cookies stay ours', async (t) => {
      const cookie = { cookie: `theme=dark; portcullis_access=${user.access_token}; portcullis_refresh=secret` }
      const page = await call('GET', '/echo/private', { ...cookie, 'sec-fetch-mode': 'navigate', 'sec-fetch-site': 'cross-site' })
      t.equal(page.status, 200, 'a navigation from a link elsewhere carries the Lax cookie and is let in')
      const { headers } = page.json<Echoed>()
      t.equal(headers['x-portcullis-username'], 'uta')
      t.equal(headers.cookie, 'theme=dark', "the app's own cookies pass, Portcullis' do not")
      t.notOk(headers.authorization)
      const crossSite = await call('POST', '/echo/private', { ...cookie, 'sec-fetch-site': 'cross-site' }, {})
      t.equal(crossSite.status, 403)
      t.equal(crossSite.json().code, 'cross_site_request')
      t.equal((await call('POST', '/echo/private', cookie, {})).json().code, 'cross_site_request', 'no Sec-Fetch-Site and no Origin: refused')
      t.equal((await call('POST', '/echo/private', { ...cookie, origin: 'https://evil.example' }, {})).status, 403)
      t.equal((await call('POST', '/echo/private', { ...cookie, 'sec-fetch-site': 'same-origin' }, {})).status, 200)
      t.equal((await call('POST', '/echo/private', { ...cookie, origin: stack.url }, {})).status, 200, 'an Origin of this host')
      t.equal((await call('POST', '/echo/private', bearer(user.access_token), {})).status, 200, 'a Bearer token needs no such check')
    })

    t.test('WebSocket upgrades: the same access check, the identity, and no cross-site upgrade on the cookie', async (t) => {
      const wsUrl = `${stack.url.replace('http:', 'ws:')}/live/socket`
      t.equal(await refusedUpgrade(wsUrl, {}), 401, 'signed out: refused before the app is asked')
      const socket = await openSocket(wsUrl, bearer(user.access_token))
      const hello = JSON.parse(await nextMessage(socket)) as { url: string; headers: Record<string, string> }
      t.equal(hello.url, '/live/socket')
      t.equal(hello.headers['x-portcullis-username'], 'uta', 'the app gets the identity on the upgrade')
      t.notOk(hello.headers.authorization, 'and not the token')
      socket.send('ping')
      t.equal(await nextMessage(socket), 'echo: ping', 'messages pass both ways')
      socket.close()
      const cookie = { cookie: `portcullis_access=${user.access_token}` }
      t.equal(await refusedUpgrade(wsUrl, { ...cookie, origin: 'https://evil.example' }), 403, "another site's page cannot open one with the cookie")
      const fromHere = await openSocket(wsUrl, { ...cookie, origin: stack.url })
      t.equal((JSON.parse(await nextMessage(fromHere)) as { headers: Record<string, string> }).headers['x-portcullis-username'], 'uta')
      fromHere.close()
      t.equal(await refusedUpgrade(`${stack.url.replace('http:', 'ws:')}/nowhere`, bearer(user.access_token)), 404)
    })

    t.test('the prefix stripped', async (t) => {
      const stripped = (await call('GET', '/plain/x/y?z=1')).json<Echoed>()
      t.equal(stripped.url, '/x/y?z=1')
      t.equal(stripped.headers['x-forwarded-prefix'], '/plain')
      t.equal((await call('GET', '/plain')).json<Echoed>().url, '/')
    })

    t.test("an app's own rate limit", async (t) => {
      const statuses: number[] = []
      for (let i = 0; i < 5; i++) statuses.push((await call('GET', '/limited/x')).status)
      t.same(statuses, [200, 200, 200, 429, 429], 'three a minute from this network, then 429')
      const limited = await call('GET', '/limited/x')
      t.equal(limited.json().code, 'rate_limited')
      t.ok(Number(limited.headers.get('retry-after')) >= 1, 'with Retry-After')
      t.equal((await call('GET', '/plain/x')).status, 200, 'another app is not limited by it')
    })

    t.test("an app's own body limit, beyond the gateway's", async (t) => {
      const big = { text: 'x'.repeat(20_000) }
      t.equal((await call('POST', '/plain/upload', {}, big)).status, 200, 'over BODY_LIMIT (16 KiB) but under the app’s 40000')
      const tooBig = await call('POST', '/plain/upload', {}, { text: 'x'.repeat(50_000) })
      t.equal(tooBig.status, 413)
      t.equal(tooBig.json().code, 'payload_too_large')
      t.equal((await call('POST', '/echo/public', {}, big)).status, 413, 'an app without one: BODY_LIMIT')
    })

    t.test('revocation: signing out ends the access within seconds', async (t) => {
      const other = await signIn('rita')
      t.equal((await call('GET', '/echo/private', bearer(other.access_token))).status, 200)
      t.equal((await call('POST', '/auth/logout', {}, { refresh_token: other.refresh_token })).status, 204)
      const started = Date.now()
      let status = 200
      while (status === 200 && Date.now() - started < 6000) {
        status = (await call('GET', '/echo/private', bearer(other.access_token))).status
        if (status === 200) await new Promise((resolve) => setTimeout(resolve, 100))
      }
      t.equal(status, 401)
      t.ok(Date.now() - started < 5000, `refused ${Date.now() - started} ms after the sign-out`)
    })

    t.test('failover: a stopped instance is skipped', async (t) => {
      const spare = await startEchoUpstream('spare')
      const doomed = await startEchoUpstream('doomed')
      t.teardown(() => spare.close())
      writeFileSync(
        appsFile,
        appsYaml([echoA.url, echoB.url], `  - name: pair\n    prefix: /pair\n    upstreams: [${doomed.url}, ${spare.url}]\n    access: public\n`),
      )
      process.kill(stack.gateway.pid ?? 0, 'SIGHUP')
      await until(async () => (await call('GET', '/pair/x')).status === 200)
      await doomed.close()
      const statuses = []
      for (let i = 0; i < 20; i++) statuses.push((await call('GET', '/pair/x')).status)
      t.same(new Set(statuses), new Set([200]), 'every request answered')
      t.ok(spare.hits() >= 10, `the live instance took them (${spare.hits()})`)
    })

    t.test('SIGHUP under load: no failed request; a broken file keeps the apps running', async (t) => {
      let stop = false
      const failures: number[] = []
      let sent = 0
      const load = Array.from({ length: 4 }, async () => {
        while (!stop && sent < 20_000) {
          sent++
          const status = (await call('GET', '/echo/private', bearer(user.access_token))).status
          if (status !== 200) failures.push(status)
        }
      })
      for (let round = 0; round < 3; round++) {
        writeFileSync(
          appsFile,
          appsYaml([echoA.url, echoB.url], `  - name: round${round}\n    prefix: /round${round}\n    upstreams: [${echoA.url}]\n    access: public\n`),
        )
        process.kill(stack.gateway.pid ?? 0, 'SIGHUP')
        await until(async () => (await call('GET', `/round${round}/x`)).status === 200)
      }
      writeFileSync(appsFile, 'apps:\n  - name: Broken!\n')
      process.kill(stack.gateway.pid ?? 0, 'SIGHUP')
      await new Promise((resolve) => setTimeout(resolve, 500))
      stop = true
      await Promise.all(load)
      t.ok(sent > 50, `${sent} requests sent during the reloads`)
      t.same(failures, [], 'none failed')
      t.equal((await call('GET', '/round2/x')).status, 200, 'after a broken file, the last good apps still run')
    })
  })
}

/** An app instance that speaks WebSocket: it says what it was sent, then echoes. */
async function startWebSocketUpstream(): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((_request, response) => response.end('plain'))
  const wss = new WebSocketServer({ server })
  wss.on('connection', (socket, request) => {
    socket.send(JSON.stringify({ url: request.url, headers: request.headers }))
    socket.on('message', (data) => socket.send(`echo: ${String(data)}`))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        for (const client of wss.clients) client.terminate()
        wss.close()
        server.close(() => resolve())
      }),
  }
}

/** Messages are queued from the start: the app's first one may come in the same packet as the upgrade's answer. */
const inbox = new WeakMap<WebSocket, { queued: string[]; waiting: Array<(message: string) => void> }>()

function openSocket(url: string, headers: Record<string, string>): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers })
    const box = { queued: [] as string[], waiting: [] as Array<(message: string) => void> }
    inbox.set(socket, box)
    socket.on('message', (data) => {
      const waiter = box.waiting.shift()
      if (waiter) waiter(String(data))
      else box.queued.push(String(data))
    })
    socket.once('open', () => resolve(socket))
    socket.once('unexpected-response', (_request, response) => reject(new Error(`upgrade refused: ${response.statusCode}`)))
    socket.once('error', reject)
  })
}

function refusedUpgrade(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers })
    socket.once('open', () => {
      socket.close()
      reject(new Error('the upgrade was let through'))
    })
    socket.once('unexpected-response', (_request, response) => {
      response.resume()
      resolve(response.statusCode ?? 0)
    })
    socket.once('error', () => undefined)
  })
}

function nextMessage(socket: WebSocket): Promise<string> {
  const box = inbox.get(socket)
  if (!box) throw new Error('not a socket of openSocket')
  const queued = box.queued.shift()
  if (queued !== undefined) return Promise.resolve(queued)
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no message within 5 s')), 5000)
    box.waiting.push((message) => {
      clearTimeout(timer)
      resolve(message)
    })
  })
}

/** A browser's navigation (fetch would say Sec-Fetch-Mode: cors): status and Location, redirects not followed. */
function navigate(url: string, headers: Record<string, string> = {}): Promise<{ status: number; location: string | undefined }> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { headers: { 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document', accept: 'text/html', ...headers } }, (res) => {
      res.resume()
      resolve({ status: res.statusCode ?? 0, location: res.headers.location })
    })
    request.on('error', reject)
  })
}

async function until(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const started = Date.now()
  while (Date.now() - started < timeoutMs) {
    if (await check()) return
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error('timed out')
}
