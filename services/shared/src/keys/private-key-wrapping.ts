// Signing keys' private halves at rest: wrapped (AES-256-GCM, the kid as associated data) with the key-encryption key from
// KEY_ENCRYPTION_KEY when one is set, so that a copy of the database alone signs nothing. Older keys-encryption keys
// (KEY_ENCRYPTION_KEY_PREVIOUS) are only read, while a rotation is under way; auth rewraps every row with the current one.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto'
import type { SigningKeyConfig } from '../settings/signing-keys.ts'

export interface KeyWrapping {
  /** Wraps new keys, and every key at start; undefined keeps them as plain PEM. */
  current: Buffer | undefined
  /** Still read, never written. */
  previous: Buffer[]
}

const FORMAT = 'kek1'
const IV_BYTES = 12
const TAG_BYTES = 16

export class SigningKeyUnreadable extends Error {
  override name = 'SigningKeyUnreadable'
}

export function keyWrapping(config: Pick<SigningKeyConfig, 'keyEncryptionKey' | 'previousKeyEncryptionKeys'>): KeyWrapping {
  return { current: config.keyEncryptionKey, previous: config.previousKeyEncryptionKeys }
}

/** A short, public name of a key-encryption key, stored beside what it wrapped, so the right key is found to unwrap it. */
export function kekId(kek: Buffer): string {
  return createHash('sha256').update('portcullis kek id').update(kek).digest('hex').slice(0, 12)
}

export function isWrapped(stored: string): boolean {
  return stored.startsWith(`${FORMAT}:`)
}

/** Whether a stored private key is wrapped with the current key-encryption key (or plain PEM when there is none). */
export function isWrappedWithCurrent(stored: string, wrapping: KeyWrapping): boolean {
  return wrapping.current === undefined ? !isWrapped(stored) : stored.startsWith(`${FORMAT}:${kekId(wrapping.current)}:`)
}

/** The form a private key is stored in: wrapped with the current key-encryption key, or PEM as it is when none is set. */
export function wrapPrivateKey(pem: string, kid: string, wrapping: KeyWrapping): string {
  if (wrapping.current === undefined) return pem
  const iv = randomBytes(IV_BYTES)
  const cipher = createCipheriv('aes-256-gcm', wrapping.current, iv)
  cipher.setAAD(Buffer.from(kid, 'utf8'))
  const sealed = Buffer.concat([cipher.update(pem, 'utf8'), cipher.final()])
  return `${FORMAT}:${kekId(wrapping.current)}:${Buffer.concat([iv, sealed, cipher.getAuthTag()]).toString('base64url')}`
}

export function unwrapPrivateKey(stored: string, kid: string, wrapping: KeyWrapping): string {
  if (!isWrapped(stored)) return stored
  const [, id, data = ''] = stored.split(':')
  const kek = [wrapping.current, ...wrapping.previous].find((candidate) => candidate !== undefined && kekId(candidate) === id)
  if (!kek) {
    throw new SigningKeyUnreadable(
      `signing key ${kid} is wrapped with a key-encryption key (id ${id}) that is neither KEY_ENCRYPTION_KEY nor in KEY_ENCRYPTION_KEY_PREVIOUS`,
    )
  }
  try {
    const bytes = Buffer.from(data, 'base64url')
    const decipher = createDecipheriv('aes-256-gcm', kek, bytes.subarray(0, IV_BYTES))
    decipher.setAAD(Buffer.from(kid, 'utf8'))
    decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES))
    return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)), decipher.final()]).toString('utf8')
  } catch {
    throw new SigningKeyUnreadable(`signing key ${kid} does not unwrap with its key-encryption key: the stored key was altered`)
  }
}
