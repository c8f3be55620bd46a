// Per-IP limits at the gateway, in memory by default and shared by two gateway instances through Redis.
// The management app that the service base adds to every app.
import type {} from '@portcullis/shared/service-app'
import { randomBytes } from 'node:crypto'
import { testSettings } from '@portcullis/testkit/settings'
import t from 'tap'
import { Redis } from 'ioredis'
import { loadGatewayConfig } from '../src/config.ts'
import { TEST_ENV } from '@portcullis/testkit/auth-app'
import { startTestAuthServer } from '@portcullis/testkit/auth-server'
import { buildGatewayApp } from '../src/app.ts'

const redisUrl = testSettings().TEST_REDIS_URL

/** A documentation-range address per run, so runs sharing one Redis never share a counter. */
function testIp(): string {
  const bytes = randomBytes(2)
  return `198.51.${bytes[0]}.${bytes[1]}`
}

t.test('rate limits', async (t) => {
  // auth believes the gateway's X-Forwarded-For, as in the stack, so its own throttle sees each test address apart.
  const auth = await startTestAuthServer(t, 'sqlite', { TRUST_PROXY: '127.0.0.1' })
  const client = await auth.serviceClient('gateway')
  const env = {
    ...TEST_ENV,
    AUTH_URL: auth.url,
    AUTH_UPSTREAMS: auth.upstream,
    SERVICE_CLIENT_ID: client.clientId,
    SERVICE_CLIENT_SECRET: client.clientSecret,
    LOGIN_LIMIT_PER_IP: '3',
    RATE_LIMIT_PER_IP: '8',
  }
  const login = { method: 'POST' as const, url: '/auth/login', payload: { username: 'nobody', password: 'wrong password here' } }

  async function gateway(extra: Record<string, string> = {}, redis?: Redis) {
    const app = await buildGatewayApp({ config: loadGatewayConfig({ ...env, ...extra }), ...(redis ? { redis } : {}) })
    t.teardown(() => app.close())
    await app.ready()
    return app
  }

  t.test('login and signup have their own, tighter limit with Retry-After', async (t) => {
    const gw = await gateway()
    const ip = testIp()
    const statuses = []
    for (let i = 0; i < 4; i++) statuses.push((await gw.inject({ ...login, remoteAddress: ip })).statusCode)
    t.same(statuses, [401, 401, 401, 429])
    const limited = await gw.inject({ ...login, remoteAddress: ip })
    t.equal(limited.json().code, 'rate_limited')
    t.match(limited.headers['content-type'], /application\/problem\+json/)
    t.ok(Number(limited.headers['retry-after']) >= 1, 'Retry-After is set')
    const other = await gw.inject({ ...login, remoteAddress: testIp() })
    t.equal(other.statusCode, 401, 'another address is not limited')
    const jwks = await gw.inject({ url: '/auth/.well-known/jwks.json', remoteAddress: ip })
    t.equal(jwks.statusCode, 200, 'other routes have the general limit')
    const general = []
    for (let i = 0; i < 9; i++) general.push((await gw.inject({ url: '/auth/.well-known/jwks.json', remoteAddress: ip })).statusCode)
    t.equal(general.at(-1), 429, 'the general limit applies too')
    t.equal((await gw.management.inject({ url: '/healthz', remoteAddress: ip })).statusCode, 200, 'health (on the management port) is never limited')
  })

  t.test('an IPv6 client is one client across its /64, and an IPv4-mapped address is its IPv4 address', async (t) => {
    const gw = await gateway()
    const prefix = `2001:db8:${randomBytes(2).toString('hex')}:${randomBytes(2).toString('hex')}`
    const statuses = []
    for (let i = 0; i < 4; i++) statuses.push((await gw.inject({ ...login, remoteAddress: `${prefix}:${i}::${i + 1}` })).statusCode)
    t.same(statuses, [401, 401, 401, 429], 'four addresses of one /64 share the login limit')
    const ip = testIp()
    const mixed = []
    for (const address of [ip, `::ffff:${ip}`, ip, `::ffff:${ip}`]) mixed.push((await gw.inject({ ...login, remoteAddress: address })).statusCode)
    t.same(mixed, [401, 401, 401, 429], 'both spellings of one IPv4 address count together')
  })

  t.test('0 turns a limit off', async (t) => {
    const gw = await gateway({ LOGIN_LIMIT_PER_IP: '0', RATE_LIMIT_PER_IP: '0' })
    const ip = testIp()
    for (let i = 0; i < 12; i++) {
      const res = await gw.inject({ ...login, payload: { ...login.payload, username: `nobody${i}` }, remoteAddress: ip })
      if (res.statusCode !== 401) t.fail(`attempt ${i} answered ${res.statusCode}`)
    }
    t.pass('no 429')
  })

  t.test('two gateways share their counters through Redis', async (t) => {
    const redisA = new Redis(redisUrl, { maxRetriesPerRequest: 1 })
    const redisB = new Redis(redisUrl, { maxRetriesPerRequest: 1 })
    t.teardown(() => {
      redisA.disconnect()
      redisB.disconnect()
    })
    const a = await gateway({ REDIS_URL: redisUrl }, redisA)
    const b = await gateway({ REDIS_URL: redisUrl }, redisB)
    const ip = testIp()
    const statuses = []
    for (const gw of [a, b, a, b]) statuses.push((await gw.inject({ ...login, remoteAddress: ip })).statusCode)
    t.same(statuses, [401, 401, 401, 429], 'the fourth attempt is refused whichever gateway counted the others')

    const c = await gateway()
    const d = await gateway()
    const ip2 = testIp()
    const separate = []
    for (const gw of [c, d, c, d]) separate.push((await gw.inject({ ...login, remoteAddress: ip2 })).statusCode)
    t.same(separate, [401, 401, 401, 401], 'in memory, each gateway counts alone')
  })
})
