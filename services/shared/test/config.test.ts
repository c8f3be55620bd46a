import path from 'node:path'
import t from 'tap'
import { ConfigError, loadConfig } from '../src/config.ts'

t.test("defaults are DESIGN.md's", async (t) => {
  const config = loadConfig({})
  t.match(config, {
    port: 8080,
    databaseUrl: undefined,
    dataDir: path.resolve('.data'),
    accessTokenTtl: 600,
    refreshIdleTtl: 604_800,
    refreshAbsoluteTtl: 2_592_000,
    refreshReuseGrace: 10,
    logLevel: 'info',
    rateLimitPerIp: 1200,
    loginLimitPerIp: 30,
    redisUrl: undefined,
    signingAlgorithm: 'EdDSA',
    argon2MemoryKib: 19_456,
    argon2TimeCost: 2,
    passwordMinLength: 8,
    drainDelayMs: 2000,
  })
})

t.test('values are read and checked', async (t) => {
  const config = loadConfig({
    PORT: '9000',
    DATABASE_URL: 'mysql://u:p@db:3306/pc',
    ACCESS_TOKEN_TTL: '300',
    RATE_LIMIT_PER_IP: '0',
    REDIS_URL: 'redis://127.0.0.1:6379',
  })
  t.match(config, { port: 9000, databaseUrl: 'mysql://u:p@db:3306/pc', accessTokenTtl: 300, rateLimitPerIp: 0, redisUrl: 'redis://127.0.0.1:6379' })
})

t.test('each bad value is refused with a message naming the variable', async (t) => {
  const cases: Array<[Record<string, string>, RegExp]> = [
    [{ PORT: 'eighty' }, /^PORT must be a whole number, got "eighty"$/],
    [{ PORT: '70000' }, /^PORT must be between 0 and 65535, got 70000$/],
    [{ ACCESS_TOKEN_TTL: '5' }, /^ACCESS_TOKEN_TTL must be between 30 and 86400/],
    [{ DATABASE_URL: 'postgres://x' }, /^DATABASE_URL must start with mysql:\/\/ or mariadb:\/\//],
    [{ DATABASE_URL: 'not a url' }, /^DATABASE_URL must be a URL/],
    [{ LOG_LEVEL: 'loud' }, /^LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent/],
    [{ SIGNING_ALG: 'HS256' }, /^SIGNING_ALG must be one of EdDSA, ES256/],
    [{ COOKIE_SECURE: 'maybe' }, /^COOKIE_SECURE must be true or false/],
    [{ REFRESH_IDLE_TTL: '7200', REFRESH_ABSOLUTE_TTL: '3600' }, /REFRESH_ABSOLUTE_TTL \(3600\) must not be shorter than REFRESH_IDLE_TTL \(7200\)/],
    [{ ADMIN_PASSWORD: 'short' }, /^ADMIN_PASSWORD must be at least 8 characters long$/],
    [{ PASSWORD_MIN_LENGTH: '4' }, /^PASSWORD_MIN_LENGTH must be between 8 and 128/],
    [{ DRAIN_DELAY_MS: '-1' }, /^DRAIN_DELAY_MS must be between 0 and 60000/],
  ]
  for (const [env, message] of cases) {
    t.throws(() => loadConfig(env), ConfigError, JSON.stringify(env))
    t.throws(() => loadConfig(env), { message }, JSON.stringify(env))
  }
})

t.test('a password in DATABASE_URL never appears in a message', async (t) => {
  t.throws(() => loadConfig({ DATABASE_URL: 'postgres://user:s3cret@db/x' }), { message: /postgres:\/\/user:\*\*\*@db\/x/ })
})

t.test('the management port: PORT + 1000 unless set, never the public port; upstreams carry their own', async (t) => {
  t.match(loadConfig({}), { port: 8080, managementPort: 9080, managementHost: '127.0.0.1' })
  t.match(loadConfig({ PORT: '8082', HOST: '0.0.0.0' }), { managementPort: 9082, managementHost: '0.0.0.0' })
  t.match(loadConfig({ PORT: '0' }), { managementPort: 0 }, 'a free public port, a free management port')
  t.match(loadConfig({ MANAGEMENT_PORT: '9999', MANAGEMENT_HOST: '10.0.0.5' }), { managementPort: 9999, managementHost: '10.0.0.5' })
  t.throws(() => loadConfig({ PORT: '9000', MANAGEMENT_PORT: '9000' }), /MANAGEMENT_PORT must differ from PORT/)
  const { userUpstreams } = loadConfig({ USER_UPSTREAMS: 'http://a:8082, http://b:8082|9100, http://c:8082|http://c-mgmt:7000/' })
  t.same(userUpstreams, [
    { url: 'http://a:8082', managementUrl: 'http://a:9082' },
    { url: 'http://b:8082', managementUrl: 'http://b:9100' },
    { url: 'http://c:8082', managementUrl: 'http://c-mgmt:7000' },
  ])
  for (const bad of ['http://a:8082|99999', 'http://a:8082|x|y', 'ftp://a:8082', 'http://a:8082|ftp://b']) {
    t.throws(() => loadConfig({ USER_UPSTREAMS: bad }), ConfigError, bad)
  }
})
