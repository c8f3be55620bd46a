import type {} from '../src/plugins/app/context.ts'
import { type JsonWebKey, type KeyObject, createHmac, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import t from 'tap'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { testDatabaseKinds } from '@portcullis/testkit/databases'
import { buildAuthApp } from '../src/app.ts'
import { rotateSigningKeys } from '@portcullis/shared/keys/store'
import { bearer, signupAndLogin, startTestAuth } from '@portcullis/testkit/auth-app'

interface Jwk {
  kty: string
  kid: string
  alg: string
  use: string
  crv?: string
  x?: string
  y?: string
  d?: string
}

interface DecodedJwt {
  header: Record<string, unknown>
  payload: Record<string, unknown>
  signingInput: string
  signature: Buffer
}

function decode(token: string): DecodedJwt {
  const [header, payload, signature] = token.split('.')
  if (header === undefined || payload === undefined || signature === undefined) throw new Error(`not a JWT: ${token}`)
  return {
    header: JSON.parse(Buffer.from(header, 'base64url').toString('utf8')),
    payload: JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')),
    signingInput: `${header}.${payload}`,
    signature: Buffer.from(signature, 'base64url'),
  }
}

function encodePart(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url')
}

/** Verifies a JWT's signature against a JWKS the way a third party would: by kid, with Node's crypto only. */
function verifiesAgainst(token: string, jwks: { keys: Jwk[] }): boolean {
  const { header, signingInput, signature } = decode(token)
  const jwk = jwks.keys.find((key) => key.kid === header.kid)
  if (!jwk || jwk.alg !== header.alg) return false
  const key = createPublicKey({ key: jwk as unknown as JsonWebKey, format: 'jwk' })
  if (header.alg === 'EdDSA') return verify(null, Buffer.from(signingInput), key, signature)
  if (header.alg === 'ES256') return verify('sha256', Buffer.from(signingInput), { key, dsaEncoding: 'ieee-p1363' }, signature)
  return false
}

function signEd25519(header: Record<string, unknown>, payload: Record<string, unknown>, privateKey: KeyObject | string): string {
  const input = `${encodePart(header)}.${encodePart(payload)}`
  return `${input}.${sign(null, Buffer.from(input), privateKey).toString('base64url')}`
}

async function jwksOf(app: FastifyInstance): Promise<{ res: LightMyRequestResponse; jwks: { keys: Jwk[] } }> {
  const res = await app.inject({ method: 'GET', url: '/auth/.well-known/jwks.json' })
  return { res, jwks: res.json() }
}

function logoutAll(app: FastifyInstance, accessToken: string): Promise<LightMyRequestResponse> {
  return app.inject({ method: 'POST', url: '/auth/logout-all', headers: bearer(accessToken) })
}

function kids(jwks: { keys: Jwk[] }): string[] {
  return jwks.keys.map((key) => key.kid).sort()
}

for (const kind of testDatabaseKinds()) {
  t.test(`signing keys on ${kind}`, async (t) => {
    const { app, database, config } = await startTestAuth(t, kind)
    const db = database.handle.db

    t.test('the JWKS publishes the Ed25519 public key, cacheable, without private parts', async (t) => {
      const { res, jwks } = await jwksOf(app)
      t.equal(res.statusCode, 200)
      t.match(res.headers['content-type'], /application\/json/)
      t.match(res.headers['cache-control'], /max-age=\d+/)
      t.match(res.headers['cache-control'], /public/)
      t.equal(jwks.keys.length, 1)
      const [key] = jwks.keys
      t.match(key, { kty: 'OKP', crv: 'Ed25519', kid: /\S/, alg: 'EdDSA', use: 'sig', x: /^[A-Za-z0-9_-]{43}$/ })
      t.notOk(key && 'd' in key, 'no private key material')
      t.notMatch(res.body, /PRIVATE|"d"/)
    })

    t.test('an access token verifies against the JWKS with plain Node crypto', async (t) => {
      const login = await signupAndLogin(app, 'verify-user')
      const { jwks } = await jwksOf(app)
      const { header, payload } = decode(login.access_token)
      t.equal(header.alg, 'EdDSA')
      t.equal(header.kid, jwks.keys[0]?.kid)
      t.match(payload, {
        iss: config.tokenIssuer,
        aud: config.tokenAudience,
        sub: login.user.id,
        role: 'user',
        sid: String,
        jti: String,
        iat: Number,
        exp: Number,
      })
      t.ok(verifiesAgainst(login.access_token, jwks), 'the signature verifies')
      const { signingInput, signature } = decode(login.access_token)
      const [, payloadPart] = signingInput.split('.')
      const forged = `${signingInput.split('.')[0]}.${encodePart({ ...payload, role: 'admin' })}.${signature.toString('base64url')}`
      t.not(forged.split('.')[1], payloadPart)
      t.notOk(verifiesAgainst(forged, jwks), 'a changed payload does not verify')
    })

    t.test('rotation publishes both keys, signs with the new one, and old tokens keep working', async (t) => {
      const before = await signupAndLogin(app, 'before-rotation')
      const oldKid = decode(before.access_token).header.kid
      const { kid: newKid, retired } = await rotateSigningKeys(db, 'EdDSA', Date.now(), { current: undefined, previous: [] })
      t.same(retired, [oldKid])
      await app.keyRing.reload()

      const { res, jwks } = await jwksOf(app)
      t.equal(res.statusCode, 200)
      t.same(kids(jwks), [oldKid, newKid].sort(), 'both kids are published')

      const after = await signupAndLogin(app, 'after-rotation')
      t.equal(decode(after.access_token).header.kid, newKid, 'new tokens carry the new kid')
      t.ok(verifiesAgainst(after.access_token, jwks))
      t.ok(verifiesAgainst(before.access_token, jwks), 'the old token still verifies against the JWKS')

      const oldAtRoute = await logoutAll(app, before.access_token)
      t.equal(oldAtRoute.statusCode, 204, 'a token signed before the rotation is still accepted')
      const newAtRoute = await logoutAll(app, after.access_token)
      t.equal(newAtRoute.statusCode, 204)

      const refreshed = await app.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: after.refresh_token } })
      t.equal(refreshed.statusCode, 401, 'logout-all ended the session')
    })

    t.test('two auth instances on one database publish the same keys and accept each other’s tokens', async (t) => {
      const other = await buildAuthApp({ config, database: database.handle })
      t.teardown(() => other.close())

      const mine = await jwksOf(app)
      const theirs = await jwksOf(other)
      t.same(kids(theirs.jwks), kids(mine.jwks))
      t.same(
        [...theirs.jwks.keys].sort((a, b) => a.kid.localeCompare(b.kid)),
        [...mine.jwks.keys].sort((a, b) => a.kid.localeCompare(b.kid)),
      )

      const fromMine = await signupAndLogin(app, 'instance-a')
      const fromTheirs = await signupAndLogin(other, 'instance-b')
      t.equal(decode(fromTheirs.access_token).header.kid, decode(fromMine.access_token).header.kid, 'both sign with the same active key')
      t.equal((await logoutAll(other, fromMine.access_token)).statusCode, 204, 'B accepts a token of A')
      t.equal((await logoutAll(app, fromTheirs.access_token)).statusCode, 204, 'A accepts a token of B')

      // A rotates; B learns the new kid the first time it sees it, without waiting for its periodic reload.
      await sleep(2100)
      const { kid: rotatedKid } = await rotateSigningKeys(db, 'EdDSA', Date.now(), { current: undefined, previous: [] })
      await app.keyRing.reload()
      const rotated = await signupAndLogin(app, 'instance-a2')
      t.equal(decode(rotated.access_token).header.kid, rotatedKid)
      t.equal((await logoutAll(other, rotated.access_token)).statusCode, 204, 'B accepts a token signed with a key A just rotated in')
      t.same(kids((await jwksOf(other)).jwks), kids((await jwksOf(app)).jwks), 'and then publishes the same keys')
    })

    t.test('forged, unsigned and tampered tokens are refused with 401 invalid_token', async (t) => {
      const login = await signupAndLogin(app, 'forgery-target')
      const { header, payload, signingInput, signature } = decode(login.access_token)
      const stranger = generateKeyPairSync('ed25519').privateKey
      const realKey = await db.selectFrom('signing_keys').select('private_pem').where('kid', '=', String(header.kid)).executeTakeFirstOrThrow()
      const publicPem = createPublicKey(realKey.private_pem).export({ type: 'spki', format: 'pem' }).toString()
      const hsInput = `${encodePart({ alg: 'HS256', typ: 'JWT', kid: header.kid })}.${encodePart(payload)}`

      const forged: Array<[string, string]> = [
        ['alg none', `${encodePart({ alg: 'none', typ: 'JWT', kid: header.kid })}.${encodePart(payload)}.`],
        ['alg none without kid', `${encodePart({ alg: 'none', typ: 'JWT' })}.${encodePart(payload)}.`],
        ['unknown key and kid', signEd25519({ alg: 'EdDSA', typ: 'JWT', kid: 'not-a-kid' }, payload, stranger)],
        ['unknown key under the real kid', signEd25519({ ...header }, payload, stranger)],
        ['no kid', signEd25519({ alg: 'EdDSA', typ: 'JWT' }, payload, realKey.private_pem)],
        ['HS256 with the public key as secret', `${hsInput}.${createHmac('sha256', publicPem).update(hsInput).digest('base64url')}`],
        ['tampered payload', `${signingInput.split('.')[0]}.${encodePart({ ...payload, role: 'admin' })}.${signature.toString('base64url')}`],
        ['tampered signature', `${signingInput}.${Buffer.from(signature.map((byte, i) => (i === 0 ? byte ^ 1 : byte))).toString('base64url')}`],
        ['stripped signature', `${signingInput}.`],
        ['service audience', signEd25519(header, { ...payload, aud: `${config.tokenAudience}:internal` }, realKey.private_pem)],
        ['foreign issuer', signEd25519(header, { ...payload, iss: 'someone-else' }, realKey.private_pem)],
        ...(['exp', 'iat', 'iss', 'aud', 'sub', 'sid', 'jti'] as const).map((claim): [string, string] => [
          `no ${claim}, signed with the real key`,
          signEd25519(header, { ...payload, [claim]: undefined }, realKey.private_pem),
        ]),
        ['aud as a list holding ours', signEd25519(header, { ...payload, aud: [config.tokenAudience, 'other'] }, realKey.private_pem)],
        ['aud as a list of ours alone', signEd25519(header, { ...payload, aud: [config.tokenAudience] }, realKey.private_pem)],
        ['a ten-year lifetime', signEd25519(header, { ...payload, exp: Number(payload.iat) + 315_360_000 }, realKey.private_pem)],
        ['issued an hour from now', signEd25519(header, { ...payload, iat: Number(payload.iat) + 3600, exp: Number(payload.exp) + 3600 }, realKey.private_pem)],
        ['not a JWT', 'garbage'],
      ]
      for (const [name, token] of forged) {
        const res = await logoutAll(app, token)
        t.equal(res.statusCode, 401, name)
        t.equal(res.json().code, 'invalid_token', name)
        t.match(res.headers['www-authenticate'], /^Bearer/, name)
      }

      const expired = signEd25519(
        header,
        { ...payload, iat: Math.floor(Date.now() / 1000) - 3600, exp: Math.floor(Date.now() / 1000) - 60 },
        realKey.private_pem,
      )
      const late = await logoutAll(app, expired)
      t.equal(late.statusCode, 401, 'an expired token signed with the real key')
      t.equal(late.json().code, 'token_expired')

      const resigned = signEd25519(header, payload, realKey.private_pem)
      t.equal((await logoutAll(app, resigned)).statusCode, 204, 'the same claims signed with the real key are accepted (control)')
    })
  })

  t.test(`ES256 keys on ${kind}`, async (t) => {
    const { app } = await startTestAuth(t, kind, { SIGNING_ALG: 'ES256' })

    t.test('tokens are ES256, published as P-256 and verify', async (t) => {
      const { res, jwks } = await jwksOf(app)
      t.equal(res.statusCode, 200)
      t.equal(jwks.keys.length, 1)
      t.match(jwks.keys[0], { kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig', kid: /\S/, x: /^[A-Za-z0-9_-]{43}$/, y: /^[A-Za-z0-9_-]{43}$/ })
      const login = await signupAndLogin(app, 'es-user')
      const { header, signature } = decode(login.access_token)
      t.equal(header.alg, 'ES256')
      t.equal(header.kid, jwks.keys[0]?.kid)
      t.equal(signature.length, 64, 'a raw r||s signature as JWS requires')
      t.ok(verifiesAgainst(login.access_token, jwks), 'the signature verifies')
      t.equal((await logoutAll(app, login.access_token)).statusCode, 204, 'and the app accepts it')
    })
  })
}
