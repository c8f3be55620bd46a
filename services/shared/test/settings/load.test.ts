// The settings every process reads (where it listens, logging, the database, the tokens it verifies), read from an
// environment by their declaration: defaults, bounds, and a message naming the variable for every bad value.
import path from 'node:path'
import t from 'tap'
import { Type } from 'typebox'
import { ConfigError, readSettings } from '../../src/settings/load.ts'
import { loadResourceServiceConfig as load } from '../../src/settings/resource-service.ts'

t.test('the defaults', async (t) => {
  t.match(load({}), {
    port: 8080,
    host: '127.0.0.1',
    databaseUrl: undefined,
    dataDir: path.resolve('.data'),
    dbPoolSize: 10,
    accessTokenTtl: 600,
    refreshIdleTtl: 604_800,
    logLevel: 'info',
    logFormat: 'auto',
    bodyLimit: 16_384,
    trustProxy: false,
    drainDelayMs: 2000,
    tokenIssuer: 'portcullis',
    tokenAudience: 'portcullis',
    authUrl: 'http://127.0.0.1:8081',
    jwksUrl: 'http://127.0.0.1:8081/auth/.well-known/jwks.json',
  })
})

t.test('values are read and checked', async (t) => {
  const config = load({ PORT: '9000', DATABASE_URL: 'mysql://u:p@db:3306/pc', ACCESS_TOKEN_TTL: '300', AUTH_URL: 'http://auth:8081/', TRUST_PROXY: '10.0.0.1' })
  t.match(config, { port: 9000, databaseUrl: 'mysql://u:p@db:3306/pc', accessTokenTtl: 300, authUrl: 'http://auth:8081', trustProxy: '10.0.0.1' })
  t.equal(config.jwksUrl, 'http://auth:8081/auth/.well-known/jwks.json', 'the JWKS follows AUTH_URL')
  t.equal(load({ TRUST_PROXY: 'TRUE' }).trustProxy, true)
  t.equal(load({ PORT: ' 8090 ', LOG_LEVEL: '' }).port, 8090, 'values are trimmed')
  t.equal(load({ LOG_LEVEL: '   ' }).logLevel, 'info', 'a blank value is no value: the default applies')
})

t.test('each bad value is refused with a message naming the variable', async (t) => {
  const cases: Array<[Record<string, string>, RegExp]> = [
    [{ PORT: 'eighty' }, /^PORT must be a whole number, got "eighty"$/],
    [{ PORT: '70000' }, /^PORT must be between 0 and 65535, got 70000$/],
    [{ PORT: '80.5' }, /^PORT must be a whole number, got 80.5$/],
    [{ ACCESS_TOKEN_TTL: '5' }, /^ACCESS_TOKEN_TTL must be between 30 and 86400/],
    [{ DATABASE_URL: 'postgres://x' }, /^DATABASE_URL must start with mysql:\/\/ or mariadb:\/\//],
    [{ DATABASE_URL: 'not a url' }, /^DATABASE_URL must be a URL/],
    [{ LOG_LEVEL: 'loud' }, /^LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent/],
    [{ LOG_FORMAT: 'xml' }, /^LOG_FORMAT must be one of auto, json, pretty, got "xml"$/],
    [{ DRAIN_DELAY_MS: '-1' }, /^DRAIN_DELAY_MS must be between 0 and 60000/],
    [{ DB_POOL_SIZE: '0' }, /^DB_POOL_SIZE must be between 1 and 500, got 0$/],
    [{ JWKS_URL: 'ftp://keys' }, /^JWKS_URL must start with http:\/\/ or https:\/\//],
  ]
  for (const [env, message] of cases) {
    t.throws(() => load(env), ConfigError, JSON.stringify(env))
    t.throws(() => load(env), { message }, JSON.stringify(env))
  }
})

t.test('a password in DATABASE_URL never appears in a message', async (t) => {
  t.throws(() => load({ DATABASE_URL: 'postgres://user:s3cret@db/x' }), { message: /postgres:\/\/user:\*\*\*@db\/x/ })
  t.throws(() => load({ DATABASE_URL: 'mysql://user:s3cret@db:port/x' }), { message: /^(?!.*s3cret)/ })
})

t.test('a secret setting is never repeated in a message', async (t) => {
  const schema = Type.Object({ SECRET_NUMBER: Type.Integer({ secret: true }), PLAIN_NUMBER: Type.Integer() })
  t.throws(() => readSettings(schema, { SECRET_NUMBER: 'hunter2', PLAIN_NUMBER: '1' }), { message: /^SECRET_NUMBER must be a whole number$/ })
  t.throws(() => readSettings(schema, { SECRET_NUMBER: '1', PLAIN_NUMBER: 'two' }), { message: /^PLAIN_NUMBER must be a whole number, got "two"$/ })
})

t.test('booleans are written as operators write them', async (t) => {
  const schema = Type.Object({ FLAG: Type.Boolean({ default: true }) })
  for (const yes of ['true', 'TRUE', '1', 'yes', 'on']) t.equal(readSettings(schema, { FLAG: yes }).FLAG, true, yes)
  for (const no of ['false', '0', 'no', 'OFF']) t.equal(readSettings(schema, { FLAG: no }).FLAG, false, no)
  t.throws(() => readSettings(schema, { FLAG: 'maybe' }), { message: /^FLAG must be true or false, got "maybe"$/ })
})

t.test("a process reads only its own settings: another process's, even wrong, do not stop it", async (t) => {
  t.doesNotThrow(() => load({ ARGON2_TIME_COST: 'lots', RATE_LIMIT_PER_IP: '-5', HTTPS_PORT: 'x' }))
  t.notOk('argon2TimeCost' in load({}), 'nor does its config hold them')
})

t.test('the management port: PORT + 1000 unless set, never the public port', async (t) => {
  t.match(load({}), { port: 8080, managementPort: 9080, managementHost: '127.0.0.1' })
  t.match(load({ PORT: '8082', HOST: '0.0.0.0' }), { managementPort: 9082, managementHost: '0.0.0.0' })
  t.match(load({ PORT: '0' }), { managementPort: 0 }, 'a free public port, a free management port')
  t.match(load({ PORT: '65000' }), { managementPort: 65_535 }, 'never past the last port')
  t.match(load({ MANAGEMENT_PORT: '9999', MANAGEMENT_HOST: '10.0.0.5' }), { managementPort: 9999, managementHost: '10.0.0.5' })
  t.throws(() => load({ PORT: '9000', MANAGEMENT_PORT: '9000' }), /MANAGEMENT_PORT must differ from PORT/)
})
