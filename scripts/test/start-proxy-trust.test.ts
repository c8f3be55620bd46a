// Under `pnpm start` the services believe X-Forwarded-For from the gateway's own address (127.0.0.2) only: a program on this
// machine calling auth straight cannot choose the address auth records and throttles on, while a request through the
// gateway is recorded with the client's real address.
import http from 'node:http'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { freePort } from '@portcullis/testkit/processes'
import { chooseProxySource } from '@portcullis/shared/net/proxy-address'
import { printedProcess } from '@portcullis/testkit/stack-output'
import { LIGHT_SETTINGS, runStack } from '@portcullis/testkit/stack-run'

const start = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../start.ts')

interface Answer {
  access_token: string
  sessions: Array<{ current: boolean; ip: string }>
}

/** A JSON request from a chosen local address, as another program on this machine would send it. */
function request(
  url: string,
  options: { method?: string; from: string; headers?: Record<string, string>; body?: unknown },
): Promise<{ status: number; body: Answer }> {
  return new Promise((resolve, reject) => {
    const body = options.body === undefined ? undefined : JSON.stringify(options.body)
    const req = http.request(
      url,
      {
        method: options.method ?? 'GET',
        localAddress: options.from,
        headers: { accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}), ...options.headers },
      },
      (res) => {
        let text = ''
        res.on('data', (chunk: Buffer) => (text += chunk.toString()))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : null }))
      },
    )
    req.on('error', reject)
    req.end(body)
  })
}

t.test('only the gateway is believed about the client address', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'portcullis-trust-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const password = 'correct horse battery staple'
  const stack = runStack(start, { ...LIGHT_SETTINGS, DRAIN_DELAY_MS: '0', PORT: String(await freePort()), DATA_DIR: dir })
  t.teardown(() => stack.stop('SIGKILL'))
  const output = await stack.waitFor(/ready at/)
  t.notMatch(output, /is not an address of this machine/, 'this machine has 127.0.0.2, so no fallback is announced')
  const gateway = printedProcess(output, 'gateway').url
  const auth = printedProcess(output, 'auth').url
  const login = { username: 'mallory', password }
  t.equal((await request(`${gateway}/auth/signup`, { method: 'POST', from: '127.0.0.1', body: login })).status, 201)

  /** The address the session made by this login was recorded with, as /user/sessions shows it. */
  const recordedAddress = async (url: string, from: string) => {
    const res = await request(`${url}/auth/login`, { method: 'POST', from, headers: { 'x-forwarded-for': '203.0.113.9' }, body: login })
    t.equal(res.status, 200, `login at ${url} from ${from}`)
    const sessions = await request(`${gateway}/user/sessions`, { from: '127.0.0.1', headers: { authorization: `Bearer ${res.body.access_token}` } })
    return sessions.body.sessions.find((s) => s.current)?.ip
  }
  t.equal(await recordedAddress(auth, '127.0.0.1'), '127.0.0.1', 'straight to auth from 127.0.0.1: its X-Forwarded-For is not believed')
  t.equal(await recordedAddress(auth, '127.0.0.3'), '127.0.0.3', 'nor from any other local address')
  t.equal(await recordedAddress(gateway, '127.0.0.3'), '127.0.0.3', "through the gateway: the client's real address, not the one it claims")
  t.equal(await recordedAddress(gateway, '127.0.0.1'), '127.0.0.1')
})

t.test('without 127.0.0.2 the stack falls back to 127.0.0.1 and says so', async (t) => {
  t.same(await chooseProxySource({ listenable: async () => true }), { address: '127.0.0.2' })
  const fallback = await chooseProxySource({ listenable: async () => false })
  t.equal(fallback.address, '127.0.0.1')
  t.match(fallback.notice, /127\.0\.0\.2 is not an address of this machine, so the services believe X-Forwarded-For from any program on 127\.0\.0\.1/)
})
