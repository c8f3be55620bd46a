// The key ring's keys as the private JWKs oidc-provider signs with and publishes (its JWKS is ours: the same kids as auth's).
import { createPrivateKey } from 'node:crypto'
import type { KeyRing } from '@portcullis/shared/keys/ring'
import type { JWK, JWKS } from 'oidc-provider'

export function ringJwks(ring: KeyRing): JWKS {
  return {
    keys: ring.privateKeys().map((key) => ({ ...(createPrivateKey(key.privatePem).export({ format: 'jwk' }) as JWK), kid: key.kid, alg: key.alg, use: 'sig' })),
  }
}
