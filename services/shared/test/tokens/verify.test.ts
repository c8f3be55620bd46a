// The shared access-token verifier (user, admin, the gateway): one fast-jwt verifier with its cache asked first, and the same
// refusals as ever: no bearer token is unauthenticated, a malformed, forged, foreign or unknown-key token invalid_token, an
// expired one token_expired (also after it was cached), a revoked one invalid_token even from the cache.
import { generateKeyPairSync } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import Fastify from 'fastify'
import { createSigner } from 'fast-jwt'
import t from 'tap'
import { accessTokenVerifier } from '../../src/tokens/verify.ts'

function keyPair() {
  const pair = generateKeyPairSync('ed25519')
  return {
    publicPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privatePem: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  }
}

const ours = keyPair()
const stranger = keyPair()
const revokedSessions = new Set<string>()

function token(claims: Record<string, unknown> = {}, { kid = 'k1', key = ours.privatePem } = {}): string {
  const iat = Math.floor(Date.now() / 1000)
  const sign = createSigner({ key, algorithm: 'EdDSA', kid })
  return sign({ iss: 'portcullis', aud: 'portcullis', sub: 'u1', sid: 's1', role: 'user', jti: `j-${Math.random()}`, iat, exp: iat + 600, ...claims })
}

t.test('the shared access-token verifier', async (t) => {
  const app = Fastify({ logger: false })
  let keyLookups = 0
  await app.register(accessTokenVerifier, {
    keys: {
      publicKeyPem: async ({ kid }) => {
        keyLookups++
        return kid === 'k1' ? ours.publicPem : undefined
      },
      refresh: async () => {},
      isLoaded: () => true,
      stop() {},
    },
    issuer: 'portcullis',
    audience: 'portcullis',
    accessTokenTtl: 900,
    isRevoked: (principal) => revokedSessions.has(principal.sessionId),
  })
  app.get('/me', { preHandler: app.authenticate }, async (request) => request.principal)
  app.get('/admin', { preHandler: app.requireRole('admin') }, async () => ({ ok: true }))
  t.teardown(() => app.close())

  const get = (authorization?: string, url = '/me') => app.inject({ method: 'GET', url, headers: authorization === undefined ? {} : { authorization } })

  t.test('a valid token gives its principal, and again from the cache without a key look-up', async (t) => {
    const presented = token({ sid: 'cached' })
    const first = await get(`Bearer ${presented}`)
    t.equal(first.statusCode, 200)
    t.match(first.json(), { userId: 'u1', sessionId: 'cached', role: 'user' })
    const lookups = keyLookups
    const again = await get(`Bearer ${presented}`)
    t.equal(again.statusCode, 200)
    t.equal(keyLookups, lookups, 'the cache answered')
  })

  t.test('no token, or another scheme, is unauthenticated', async (t) => {
    t.equal((await get()).json().code, 'UNAUTHENTICATED')
    t.equal((await get('Basic dXNlcjpwYXNz')).json().code, 'UNAUTHENTICATED')
  })

  t.test('malformed, forged, foreign and unknown-key tokens are invalid_token', async (t) => {
    for (const [what, authorization] of [
      ['two values after Bearer', `Bearer ${token()} extra`],
      ['not a JWT', 'Bearer not-a-jwt'],
      ['signed by another key', `Bearer ${token({}, { key: stranger.privatePem })}`],
      ['an unknown kid', `Bearer ${token({}, { kid: 'k2' })}`],
      ['another audience', `Bearer ${token({ aud: 'elsewhere' })}`],
      ['another issuer', `Bearer ${token({ iss: 'elsewhere' })}`],
      ['no sid', `Bearer ${token({ sid: undefined })}`],
      ['an unknown role', `Bearer ${token({ role: 'root' })}`],
      ['a lifetime longer than ACCESS_TOKEN_TTL', `Bearer ${token({ exp: Math.floor(Date.now() / 1000) + 7200 })}`],
    ] as const) {
      const res = await get(authorization)
      t.equal(res.statusCode, 401, what)
      t.equal(res.json().code, 'INVALID_TOKEN', what)
    }
  })

  t.test('an expired token is token_expired, also once it was cached', async (t) => {
    const now = Math.floor(Date.now() / 1000)
    t.equal((await get(`Bearer ${token({ iat: now - 700, exp: now - 100 })}`)).json().code, 'TOKEN_EXPIRED')
    const shortLived = token({ exp: now + 1 })
    t.equal((await get(`Bearer ${shortLived}`)).statusCode, 200)
    await sleep((now + 1) * 1000 - Date.now() + 100)
    t.equal((await get(`Bearer ${shortLived}`)).json().code, 'TOKEN_EXPIRED')
  })

  t.test('a revoked session is refused even when its token is cached', async (t) => {
    const presented = token({ sid: 'to-revoke' })
    t.equal((await get(`Bearer ${presented}`)).statusCode, 200)
    revokedSessions.add('to-revoke')
    t.equal((await get(`Bearer ${presented}`)).json().code, 'INVALID_TOKEN')
  })

  t.test('requireRole: a user is forbidden an admin route, an admin passes', async (t) => {
    t.equal((await get(`Bearer ${token()}`, '/admin')).statusCode, 403)
    t.equal((await get(`Bearer ${token({ role: 'admin' })}`, '/admin')).statusCode, 200)
  })
})
