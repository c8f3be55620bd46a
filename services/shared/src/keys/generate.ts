// Makes a new asymmetric signing key (Ed25519 or P-256) with its public JWK and a fresh kid.
import { generateKeyPairSync, randomBytes } from 'node:crypto'
import type { SigningAlgorithm } from '../settings/signing-keys.ts'

export interface GeneratedKey {
  kid: string
  alg: SigningAlgorithm
  publicJwk: Record<string, unknown>
  privatePem: string
}

export function generateSigningKey(alg: SigningAlgorithm): GeneratedKey {
  const pair = alg === 'EdDSA' ? generateKeyPairSync('ed25519') : generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const kid = `${new Date().toISOString().slice(0, 10)}-${randomBytes(6).toString('hex')}`
  const jwk = pair.publicKey.export({ format: 'jwk' }) as Record<string, unknown>
  return {
    kid,
    alg,
    publicJwk: { ...jwk, kid, alg, use: 'sig' },
    privatePem: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  }
}
