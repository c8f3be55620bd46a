// RFC 6238 codes as authenticator apps make them (otpauth): SHA-1, 6 digits, 30-second steps, one step of drift either
// way, and each code taken once: a code is refused unless its step is later than the last one taken.
import { Secret, TOTP } from 'otpauth'
import { PRODUCT_NAME } from '@portcullis/shared/product'

const PERIOD = 30
const DIGITS = 6

function totp(secretBase32: string, label = ''): TOTP {
  return new TOTP({ issuer: PRODUCT_NAME, label, algorithm: 'SHA1', digits: DIGITS, period: PERIOD, secret: Secret.fromBase32(secretBase32) })
}

/** A new secret, 160 bits (RFC 4226's recommendation), base32 as apps take it typed in. */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32
}

/** otpauth://totp/Portcullis:alice?secret=…&issuer=Portcullis&algorithm=SHA1&digits=6&period=30, for a QR code. */
export function otpauthUri(secretBase32: string, username: string): string {
  return totp(secretBase32, username).toString()
}

/** The step a code of `secret` belongs to, if it is right now (± one step) and later than `lastUsedStep`; else null. */
export function acceptedStep(secretBase32: string, code: string, lastUsedStep: number | null, now: number): number | null {
  const token = code.replace(/\s+/g, '')
  if (!/^\d{6}$/.test(token)) return null
  const delta = totp(secretBase32).validate({ token, timestamp: now, window: 1 })
  if (delta === null) return null
  const step = Math.floor(now / 1000 / PERIOD) + delta
  return lastUsedStep !== null && step <= lastUsedStep ? null : step
}

/** The code of `secret` at `at` (ms): for tests, which compute codes as an app would. */
export function totpCodeAt(secretBase32: string, at: number): string {
  return totp(secretBase32).generate({ timestamp: at })
}
