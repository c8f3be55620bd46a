// Seals a refresh token's successor under a key derived from the spent token itself (HKDF-SHA-256, then AES-256-GCM): the
// database alone never yields a live token, and whoever holds the spent token within the grace window gets the same
// successor back, so a session keeps exactly one live refresh token however many tabs refresh at once.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto'

const INFO = 'portcullis refresh-token successor v1'
const IV_BYTES = 12
const TAG_BYTES = 16

function keyFor(spentToken: string, spentTokenId: string): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.from(spentToken, 'utf8'), Buffer.from(spentTokenId, 'utf8'), INFO, 32))
}

export function sealSuccessor(successor: string, spentToken: string, spentTokenId: string): string {
  const iv = randomBytes(IV_BYTES)
  const cipher = createCipheriv('aes-256-gcm', keyFor(spentToken, spentTokenId), iv)
  const sealed = Buffer.concat([cipher.update(successor, 'utf8'), cipher.final()])
  return Buffer.concat([iv, sealed, cipher.getAuthTag()]).toString('base64url')
}

/** The successor, or undefined when the seal was not made for this token. */
export function openSuccessor(sealed: string, spentToken: string, spentTokenId: string): string | undefined {
  try {
    const bytes = Buffer.from(sealed, 'base64url')
    const decipher = createDecipheriv('aes-256-gcm', keyFor(spentToken, spentTokenId), bytes.subarray(0, IV_BYTES))
    decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES))
    return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)), decipher.final()]).toString('utf8')
  } catch {
    return undefined
  }
}
