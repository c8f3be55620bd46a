// The key ring's settings: the algorithm new keys are made for, and the key-encryption keys that wrap their private halves
// at rest. Auth signs access tokens with the ring and the OpenID Connect provider its ID tokens, so both read these.
import { type Static, Type } from 'typebox'
import { ConfigError } from './load.ts'

export type SigningAlgorithm = 'EdDSA' | 'ES256'

export const SigningKeySettings = Type.Object({
  SIGNING_ALG: Type.Union([Type.Literal('EdDSA'), Type.Literal('ES256')], {
    default: 'EdDSA',
    description: 'the signing keys (access tokens, OpenID Connect ID tokens): EdDSA (Ed25519) or ES256 (P-256)',
  }),
  KEY_ENCRYPTION_KEY: Type.Optional(
    Type.String({
      secret: true,
      description:
        "wraps the signing keys' private halves in the database: 32 random bytes as 64 hex digits or base64 (openssl rand -base64 32); unset: plain PEM",
    }),
  ),
  KEY_ENCRYPTION_KEY_PREVIOUS: Type.Optional(
    Type.String({ secret: true, description: 'older key-encryption keys, comma-separated, only read (during a rotation)' }),
  ),
})

export interface SigningKeyConfig {
  signingAlgorithm: SigningAlgorithm
  /** The key-encryption key that wraps the signing keys' private halves at rest (32 bytes), and older ones still read. */
  keyEncryptionKey: Buffer | undefined
  previousKeyEncryptionKeys: Buffer[]
}

const HEX_KEY = /^[0-9a-fA-F]{64}$/
const BASE64_KEY = /^[A-Za-z0-9+/_-]{43}=?$/

/** A 32-byte key, written as 64 hex digits or as base64 / base64url. */
function encryptionKey(name: string, raw: string): Buffer {
  const key = HEX_KEY.test(raw) ? Buffer.from(raw, 'hex') : Buffer.from(raw, 'base64url')
  if (key.length !== 32 || (!HEX_KEY.test(raw) && !BASE64_KEY.test(raw))) {
    throw new ConfigError(`${name} must be 32 random bytes as 64 hex digits or 44 base64 characters (openssl rand -base64 32)`)
  }
  return key
}

function encryptionKeys(name: string, raw: string | undefined): Buffer[] {
  return (raw ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)
    .map((item) => encryptionKey(name, item))
}

export function signingKeyConfig(values: Static<typeof SigningKeySettings>): SigningKeyConfig {
  const previousKeyEncryptionKeys = encryptionKeys('KEY_ENCRYPTION_KEY_PREVIOUS', values.KEY_ENCRYPTION_KEY_PREVIOUS)
  if (values.KEY_ENCRYPTION_KEY === undefined && previousKeyEncryptionKeys.length > 0) {
    throw new ConfigError('KEY_ENCRYPTION_KEY_PREVIOUS needs KEY_ENCRYPTION_KEY: the previous keys are only read, the current one wraps')
  }
  return {
    signingAlgorithm: values.SIGNING_ALG as SigningAlgorithm,
    keyEncryptionKey: values.KEY_ENCRYPTION_KEY === undefined ? undefined : encryptionKey('KEY_ENCRYPTION_KEY', values.KEY_ENCRYPTION_KEY),
    previousKeyEncryptionKeys,
  }
}
