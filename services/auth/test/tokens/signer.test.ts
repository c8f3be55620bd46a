import t from 'tap'
import { createPublicKey, verify } from 'node:crypto'
import { createTestDatabase } from '@portcullis/testkit/databases'
import { createKeyRing } from '@portcullis/shared/keys/ring'
import { rotateSigningKeys } from '@portcullis/shared/keys/store'
import { signJwt } from '../../src/tokens/signer.ts'

const wrapping = { current: undefined, previous: [] }

function parts(token: string): { header: Record<string, unknown>; payload: Record<string, unknown>; input: string; signature: Buffer } {
  const [header = '', payload = '', signature = ''] = token.split('.')
  const json = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>
  return { header: json(header), payload: json(payload), input: `${header}.${payload}`, signature: Buffer.from(signature, 'base64url') }
}

// The ring's rules do not depend on the database: SQLite alone.
t.test("the ring's signing keys and their signers", async (t) => {
  const database = await createTestDatabase('sqlite')
  t.teardown(() => database.drop())
  const ring = createKeyRing(database.handle.db, { algorithm: 'EdDSA', accessTokenTtl: 900, wrapping, now: Date.now })
  await ring.start()
  t.teardown(() => ring.stop())

  const first = ring.signingKey()
  await ring.reload()
  t.equal(ring.signingKey(), first, 'a reload keeps the same key object, so its signer is made once')

  const token = signJwt(first, { sub: 'someone' }, 60)
  const { header, payload, input, signature } = parts(token)
  t.same(header, { alg: 'EdDSA', typ: 'JWT', kid: first.kid })
  t.equal(payload.sub, 'someone')
  t.equal(Number(payload.exp) - Number(payload.iat), 60, 'exp is iat plus the lifetime')
  t.ok(Math.abs(Number(payload.iat) - Date.now() / 1000) < 5, 'issued now')
  const jwk = ring.jwks().keys.find((key) => key.kid === first.kid)
  t.ok(verify(null, Buffer.from(input), createPublicKey({ key: jwk as never, format: 'jwk' }), signature), 'verifies with the published key')

  const { kid } = await rotateSigningKeys(database.handle.db, 'EdDSA', Date.now(), wrapping)
  await ring.reload()
  const next = ring.signingKey()
  t.equal(next.kid, kid, 'after a rotation the ring signs with the new key')
  t.equal(parts(signJwt(next, { sub: 'someone' }, 60)).header.kid, kid, 'and its signer names it')
  t.equal(
    ring.privateKeys().find((key) => key.kid === first.kid),
    first,
    'the retired key, still published, is the same object',
  )
})
