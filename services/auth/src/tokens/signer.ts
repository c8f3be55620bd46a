// One JWT signer per signing key. fast-jwt imports the private key when a signer is made: made per token (as @fastify/jwt's
// sign with a key does), the import was a fifth of a refresh; made once per key the ring holds, a rotation still switches.
import { createSigner } from 'fast-jwt'
import type { SigningKey } from '@portcullis/shared/keys/ring'

type Sign = (claims: Record<string, unknown>) => string

/** The ring keeps one object per key across reloads (keys/ring.ts), so this holds one signer per key. */
const signers = new WeakMap<SigningKey, Sign>()

function signerFor(key: SigningKey): Sign {
  let sign = signers.get(key)
  if (!sign) {
    sign = createSigner({ key: key.privatePem, algorithm: key.alg, kid: key.kid }) as Sign
    signers.set(key, sign)
  }
  return sign
}

/** A JWT of these claims with the key's kid and alg, issued now (iat) and expiring `ttlSeconds` later (exp). */
export function signJwt(key: SigningKey, claims: Record<string, unknown>, ttlSeconds: number): string {
  const iat = Math.floor(Date.now() / 1000)
  return signerFor(key)({ ...claims, iat, exp: iat + ttlSeconds })
}
