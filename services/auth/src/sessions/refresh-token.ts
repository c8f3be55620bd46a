// Opaque refresh tokens: 256 random bits for the holder, only a SHA-256 digest for the database.
import { createHash, randomBytes } from 'node:crypto'

export function generateRefreshToken(): string {
  return randomBytes(32).toString('base64url')
}

export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}

/** A refresh token is 43 base64url characters; anything else is refused before touching the database. */
export function looksLikeRefreshToken(value: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(value)
}
