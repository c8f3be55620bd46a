// The gateway's own settings: its rate limits, Redis, the instances of each service and how it probes them, the revocation
// feed and the web app.
import path from 'node:path'
import t from 'tap'
import { ConfigError } from '@portcullis/shared/settings/load'
import { loadGatewayConfig as load, serviceCredentials } from '../src/config.ts'

t.test('the defaults', async (t) => {
  t.match(load({}), {
    port: 8080,
    rateLimitPerIp: 1200,
    loginLimitPerIp: 30,
    redisUrl: undefined,
    revocationPollMs: 1000,
    upstreamTimeoutMs: 10_000,
    webDir: undefined,
    proxySourceAddress: undefined,
    authUpstreams: [{ url: 'http://127.0.0.1:8081', managementUrl: 'http://127.0.0.1:9081' }],
    userUpstreams: [{ url: 'http://127.0.0.1:8082', managementUrl: 'http://127.0.0.1:9082' }],
    adminUpstreams: [{ url: 'http://127.0.0.1:8083', managementUrl: 'http://127.0.0.1:9083' }],
  })
  t.same(
    load({ AUTH_URL: 'http://auth:7000' }).authUpstreams,
    [{ url: 'http://auth:7000', managementUrl: 'http://auth:8000' }],
    'auth is AUTH_URL unless listed',
  )
})

t.test('values are read and checked', async (t) => {
  t.match(load({ RATE_LIMIT_PER_IP: '0', REDIS_URL: 'redis://127.0.0.1:6379', WEB_DIR: 'web/dist' }), {
    rateLimitPerIp: 0,
    redisUrl: 'redis://127.0.0.1:6379',
    webDir: path.resolve('web/dist'),
  })
})

t.test('each bad value is refused with a message naming the variable', async (t) => {
  const cases: Array<[Record<string, string>, RegExp]> = [
    [{ RATE_LIMIT_PER_IP: '-1' }, /^RATE_LIMIT_PER_IP must be between 0 and 10000000/],
    [{ REDIS_URL: 'http://cache:6379' }, /^REDIS_URL must start with redis:\/\/ or rediss:\/\//],
    [{ REDIS_URL: 'redis://:s3cret@cache:port' }, /^REDIS_URL must be a URL, got "redis:\/\/:\*\*\*@cache:port"$/],
    [{ REVOCATION_POLL_MS: '10' }, /^REVOCATION_POLL_MS must be between 100 and 5000/],
    [{ USER_UPSTREAMS: ' , ' }, /^USER_UPSTREAMS must list at least one http:\/\/ URL$/],
  ]
  for (const [env, message] of cases) {
    t.throws(() => load(env), ConfigError, JSON.stringify(env))
    t.throws(() => load(env), { message }, JSON.stringify(env))
  }
})

t.test('upstreams carry their own management port or URL', async (t) => {
  const { userUpstreams } = load({ USER_UPSTREAMS: 'http://a:8082, http://b:8082|9100, http://c:8082|http://c-mgmt:7000/' })
  t.same(userUpstreams, [
    { url: 'http://a:8082', managementUrl: 'http://a:9082' },
    { url: 'http://b:8082', managementUrl: 'http://b:9100' },
    { url: 'http://c:8082', managementUrl: 'http://c-mgmt:7000' },
  ])
  for (const bad of ['http://a:8082|99999', 'http://a:8082|x|y', 'ftp://a:8082', 'http://a:8082|ftp://b', '|9100']) {
    t.throws(() => load({ USER_UPSTREAMS: bad }), ConfigError, bad)
  }
})

t.test('the service client is required where the gateway is built, naming what is missing', async (t) => {
  t.throws(() => serviceCredentials(load({})), { message: /^SERVICE_CLIENT_ID and SERVICE_CLIENT_SECRET must be set/ })
  t.throws(() => serviceCredentials(load({ SERVICE_CLIENT_ID: 'gateway' })), { message: /^SERVICE_CLIENT_SECRET must be set/ })
  t.same(serviceCredentials(load({ SERVICE_CLIENT_ID: 'gateway', SERVICE_CLIENT_SECRET: 's' })), { clientId: 'gateway', clientSecret: 's' })
})

t.test("auth's settings are not the gateway's: wrong ones do not stop it", async (t) => {
  t.doesNotThrow(() => load({ ARGON2_TIME_COST: 'lots', DATABASE_URL: 'postgres://x', REFRESH_IDLE_TTL: '1' }))
})
