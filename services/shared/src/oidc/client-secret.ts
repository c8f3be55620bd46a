// A confidential OpenID Connect client's secret: 256 random bits, shown once, stored as its SHA-256 and compared in constant
// time. Made by clients.ts (registration and a new secret); compared by the provider (services/oidc).
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'

export function newClientSecret(): string {
  return randomBytes(32).toString('base64url')
}

export function hashClientSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex')
}

/** Whether a presented secret is the one whose hash is stored. */
export function clientSecretMatches(secretHash: string, presented: string): boolean {
  const expected = Buffer.from(secretHash, 'hex')
  const actual = Buffer.from(hashClientSecret(presented), 'hex')
  return expected.length === actual.length && timingSafeEqual(expected, actual)
}
