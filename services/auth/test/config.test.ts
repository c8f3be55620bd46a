// The auth service's own settings: session lifetimes, signing, password hashing, login back-off, the refresh cookie and the
// first admin, with their defaults, bounds and the rules between them.
import t from 'tap'
import { ConfigError } from '@portcullis/shared/settings/load'
import { loadAuthConfig as load } from '../src/config.ts'

t.test('the defaults', async (t) => {
  t.match(load({}), {
    port: 8080,
    accessTokenTtl: 600,
    refreshIdleTtl: 604_800,
    refreshAbsoluteTtl: 2_592_000,
    refreshReuseGrace: 10,
    signingAlgorithm: 'EdDSA',
    argon2MemoryKib: 19_456,
    argon2TimeCost: 2,
    argon2Parallelism: 1,
    passwordMinLength: 8,
    loginAccountFreeFailures: 5,
    loginIpFreeFailures: 50,
    loginMaxBackoff: 900,
    cookieSecure: true,
    adminUsername: undefined,
    adminPassword: undefined,
    keyEncryptionKey: undefined,
    previousKeyEncryptionKeys: [],
  })
})

t.test('values are read and checked', async (t) => {
  t.match(load({ SIGNING_ALG: 'ES256', COOKIE_SECURE: 'no', ARGON2_TIME_COST: '3', ADMIN_USERNAME: 'root', ADMIN_PASSWORD: 'a long passphrase' }), {
    signingAlgorithm: 'ES256',
    cookieSecure: false,
    argon2TimeCost: 3,
    adminUsername: 'root',
    adminPassword: 'a long passphrase',
  })
})

t.test('each bad value is refused with a message naming the variable', async (t) => {
  const cases: Array<[Record<string, string>, RegExp]> = [
    [{ SIGNING_ALG: 'HS256' }, /^SIGNING_ALG must be one of EdDSA, ES256/],
    [{ COOKIE_SECURE: 'maybe' }, /^COOKIE_SECURE must be true or false/],
    [{ REFRESH_IDLE_TTL: '7200', REFRESH_ABSOLUTE_TTL: '3600' }, /REFRESH_ABSOLUTE_TTL \(3600\) must not be shorter than REFRESH_IDLE_TTL \(7200\)/],
    [{ ADMIN_PASSWORD: 'short' }, /^ADMIN_PASSWORD must be at least 8 characters long$/],
    [{ ADMIN_PASSWORD: 'twelve chars', PASSWORD_MIN_LENGTH: '16' }, /^ADMIN_PASSWORD must be at least 16 characters long$/],
    [{ PASSWORD_MIN_LENGTH: '4' }, /^PASSWORD_MIN_LENGTH must be between 8 and 128/],
    [{ ARGON2_MEMORY_KIB: '512' }, /^ARGON2_MEMORY_KIB must be between 1024 and 4194304, got 512$/],
    [{ REFRESH_REUSE_GRACE: 'ten' }, /^REFRESH_REUSE_GRACE must be a whole number, got "ten"$/],
    [{ LOGIN_MAX_BACKOFF: '0' }, /^LOGIN_MAX_BACKOFF must be between 1 and 86400/],
    [{ UV_THREADPOOL_SIZE: 'many' }, /^UV_THREADPOOL_SIZE must be a whole number/],
  ]
  for (const [env, message] of cases) {
    t.throws(() => load(env), ConfigError, JSON.stringify(env))
    t.throws(() => load(env), { message }, JSON.stringify(env))
  }
})

t.test('a bad ADMIN_PASSWORD or key is never repeated in a message', async (t) => {
  t.throws(() => load({ ADMIN_PASSWORD: 'hunter2' }), { message: /^(?!.*hunter2)/ })
  t.throws(() => load({ KEY_ENCRYPTION_KEY: 'not-a-key-at-all' }), { message: /^(?!.*not-a-key-at-all)/ })
})

t.test("the gateway's settings are not auth's: wrong ones do not stop it", async (t) => {
  t.doesNotThrow(() => load({ RATE_LIMIT_PER_IP: 'lots', USER_UPSTREAMS: 'ftp://x', REDIS_URL: 'http://x', WEB_DIR: '' }))
})
