// The base every process is built on, over real HTTP: errors that never reach a route are problem+json too, a database that
// is away is a 503, and a draining process says so and closes each connection after its answer.
import { connect } from 'node:net'
import t from 'tap'
import { loadCommonConfig } from '../src/settings/common.ts'
import { createServiceApp } from '../src/service-app.ts'

async function startApp(t: { teardown(fn: () => unknown): void }) {
  const app = await createServiceApp({ config: loadCommonConfig({ LOG_LEVEL: 'silent' }), service: 'test', readiness: {} })
  app.get('/database-away', async () => {
    throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3306'), { code: 'ECONNREFUSED', fatal: true })
  })
  app.get('/bug', async () => {
    throw new TypeError("Cannot read properties of undefined (reading 'x')")
  })
  await app.listen({ port: 0, host: '127.0.0.1' })
  await app.management.listen({ port: 0, host: '127.0.0.1' })
  t.teardown(() => app.close())
  const address = app.server.address()
  const management = app.management.server.address()
  if (address === null || typeof address === 'string' || management === null || typeof management === 'string') throw new Error('not listening on a port')
  return { app, port: address.port, url: `http://127.0.0.1:${address.port}`, managementUrl: `http://127.0.0.1:${management.port}` }
}

/** Sends raw bytes and reads everything the server answers until it closes the connection. */
function raw(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(request))
    let answer = ''
    socket.on('data', (chunk) => {
      answer += chunk.toString()
    })
    socket.on('close', () => resolve(answer))
    socket.on('error', reject)
  })
}

function problemOf(answer: string): { status: number; type: string; body: Record<string, unknown> } {
  const [head = '', body = ''] = answer.split('\r\n\r\n')
  return {
    status: Number(/^HTTP\/1\.1 (\d+)/.exec(head)?.[1]),
    type: /content-type: ([^\r]+)/i.exec(head)?.[1] ?? '',
    body: JSON.parse(body) as Record<string, unknown>,
  }
}

t.test("headers too large: 431 problem+json, not Fastify's own JSON", async (t) => {
  const { port } = await startApp(t)
  const answer = problemOf(await raw(port, `GET /bug HTTP/1.1\r\nHost: x\r\nX-Padding: ${'a'.repeat(20_000)}\r\n\r\n`))
  t.equal(answer.status, 431)
  t.equal(answer.type, 'application/problem+json')
  t.match(answer.body, { status: 431, code: 'headers_too_large' })
})

t.test('malformed HTTP: 400 problem+json', async (t) => {
  const { port } = await startApp(t)
  const answer = problemOf(await raw(port, 'GET /bug HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n'))
  t.equal(answer.status, 400)
  t.equal(answer.type, 'application/problem+json')
  t.match(answer.body, { status: 400, code: 'bad_request' })
})

t.test('a URL that cannot be decoded: 400 problem+json', async (t) => {
  const { url } = await startApp(t)
  const res = await fetch(`${url}/users/%C0%AF`)
  t.equal(res.status, 400)
  t.match(res.headers.get('content-type'), /^application\/problem\+json/)
  t.match(await res.json(), { status: 400, code: 'bad_request' })
})

t.test('a database that is away: 503 service_unavailable with Retry-After; a bug stays a 500 that shows nothing', async (t) => {
  const { url } = await startApp(t)
  const away = await fetch(`${url}/database-away`)
  t.equal(away.status, 503)
  t.equal(away.headers.get('retry-after'), '5')
  const body = await away.text()
  t.match(JSON.parse(body), { status: 503, code: 'service_unavailable' })
  t.notMatch(body, /ECONNREFUSED|3306/, 'the database error itself stays in the log')
  const bug = await fetch(`${url}/bug`)
  t.equal(bug.status, 500)
  t.notMatch(await bug.text(), /TypeError|properties/)
})

t.test('draining: /readyz turns 503 while everything else is still served, each answer closing its connection', async (t) => {
  const { app, url, managementUrl } = await startApp(t)
  const before = await fetch(`${url}/bug`)
  t.not(before.headers.get('connection'), 'close', 'keep-alive before the drain')
  t.equal((await fetch(`${managementUrl}/readyz`)).status, 200)
  app.startDraining()
  const ready = await fetch(`${managementUrl}/readyz`)
  t.equal(ready.status, 503, 'balancers are told to stop sending')
  t.match(await ready.json(), { code: 'not_ready', detail: 'Not ready: shutting down' })
  const served = await fetch(`${url}/database-away`)
  t.equal(served.status, 503, 'requests are still served')
  t.equal(served.headers.get('connection'), 'close', 'and their connection closed after the answer')
})

t.test('health, readiness and metrics answer on the management port only', async (t) => {
  const { url, managementUrl } = await startApp(t)
  await fetch(`${url}/bug`)
  t.match(await (await fetch(`${managementUrl}/healthz`)).json(), { status: 'ok', service: 'test', pid: process.pid })
  t.same(await (await fetch(`${managementUrl}/readyz`)).json(), { status: 'ready', service: 'test', checks: {} })
  t.match(await (await fetch(`${managementUrl}/metrics`)).text(), /http_requests_total\{.*route="\/bug",status="500"/, 'the public app is counted')
  for (const path of ['/healthz', '/readyz', '/metrics']) {
    const answer = await fetch(`${url}${path}`)
    t.equal(answer.status, 404, `${path} is not on the public port`)
    t.match(answer.headers.get('content-type'), /problem\+json/)
  }
  t.equal((await fetch(`${managementUrl}/user/profile`)).status, 404, 'and the management port serves nothing else')
})
