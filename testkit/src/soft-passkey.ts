// A software passkey for tests in Node: it answers registration and sign-in options the way a real authenticator and browser
// would (clientDataJSON for the origin, authenticator data for the relying party, a P-256 key, "none" attestation, a
// signature counter), so the server's checks run on real WebAuthn bytes. Chromium's virtual authenticator does the same in
// the browser tests.
import { createHash, createPrivateKey, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto'
import { isoCBOR } from '@simplewebauthn/server/helpers'

interface CreationOptions {
  challenge: string
  rp: { id?: string }
  user: { id: string }
}
interface RequestOptions {
  challenge: string
  rpId?: string
}

export interface SoftPasskeyOptions {
  origin: string
  /** The relying party the passkey belongs to; default: the origin's host name. */
  rpId?: string
  /** Whether it verifies the user (PIN, biometrics): the UV flag. */
  userVerified?: boolean
  /** Whether the counter moves at each use (synced passkeys keep 0). */
  counts?: boolean
}

const FLAG_UP = 0x01
const FLAG_UV = 0x04
const FLAG_AT = 0x40

function b64u(bytes: Uint8Array | Buffer): string {
  return Buffer.from(bytes).toString('base64url')
}

export class SoftPasskey {
  readonly credentialId = randomBytes(32)
  private readonly privateKey: KeyObject
  private readonly publicJwk: { x: string; y: string }
  private userHandle: string | undefined
  counter = 0
  origin: string
  rpId: string
  userVerified: boolean
  private readonly counts: boolean

  constructor(options: SoftPasskeyOptions) {
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    this.privateKey = createPrivateKey(pair.privateKey.export({ format: 'pem', type: 'pkcs8' }))
    const jwk = pair.publicKey.export({ format: 'jwk' }) as { x: string; y: string }
    this.publicJwk = { x: jwk.x, y: jwk.y }
    this.origin = options.origin
    this.rpId = options.rpId ?? new URL(options.origin).hostname
    this.userVerified = options.userVerified ?? true
    this.counts = options.counts ?? true
  }

  get id(): string {
    return b64u(this.credentialId)
  }

  private clientData(type: 'webauthn.create' | 'webauthn.get', challenge: string, origin = this.origin): Buffer {
    return Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false }))
  }

  private authenticatorData(flags: number, attested?: Buffer): Buffer {
    const rpIdHash = createHash('sha256').update(this.rpId).digest()
    const count = Buffer.alloc(4)
    count.writeUInt32BE(this.counter)
    return Buffer.concat([rpIdHash, Buffer.from([flags | (this.userVerified ? FLAG_UV : 0)]), count, ...(attested ? [attested] : [])])
  }

  /** The answer of navigator.credentials.create() to the server's options. */
  register(options: CreationOptions, overrides: { origin?: string } = {}) {
    this.userHandle = options.user.id
    const cose = isoCBOR.encode(
      new Map<number, number | Uint8Array>([
        [1, 2],
        [3, -7],
        [-1, 1],
        [-2, new Uint8Array(Buffer.from(this.publicJwk.x, 'base64url'))],
        [-3, new Uint8Array(Buffer.from(this.publicJwk.y, 'base64url'))],
      ]),
    )
    const idLength = Buffer.alloc(2)
    idLength.writeUInt16BE(this.credentialId.length)
    const attested = Buffer.concat([Buffer.alloc(16), idLength, this.credentialId, Buffer.from(cose)])
    const authData = this.authenticatorData(FLAG_UP | FLAG_AT, attested)
    const attestationObject = isoCBOR.encode(
      new Map<string, string | Uint8Array | Map<string, string>>([
        ['fmt', 'none'],
        ['attStmt', new Map<string, string>()],
        ['authData', new Uint8Array(authData)],
      ]),
    )
    return {
      id: this.id,
      rawId: this.id,
      type: 'public-key' as const,
      response: {
        clientDataJSON: b64u(this.clientData('webauthn.create', options.challenge, overrides.origin)),
        attestationObject: b64u(attestationObject),
        transports: ['internal'],
      },
      authenticatorAttachment: 'platform' as const,
      clientExtensionResults: {},
    }
  }

  /** The answer of navigator.credentials.get() to the server's options, signed with the passkey's key. */
  assert(options: RequestOptions, overrides: { origin?: string; challenge?: string; userHandle?: string | null } = {}) {
    if (this.counts) this.counter += 1
    const authData = this.authenticatorData(FLAG_UP)
    const clientData = this.clientData('webauthn.get', overrides.challenge ?? options.challenge, overrides.origin)
    const signed = Buffer.concat([authData, createHash('sha256').update(clientData).digest()])
    const signature = sign('sha256', signed, this.privateKey)
    const userHandle = overrides.userHandle === undefined ? this.userHandle : (overrides.userHandle ?? undefined)
    return {
      id: this.id,
      rawId: this.id,
      type: 'public-key' as const,
      response: {
        clientDataJSON: b64u(clientData),
        authenticatorData: b64u(authData),
        signature: b64u(signature),
        ...(userHandle ? { userHandle } : {}),
      },
      authenticatorAttachment: 'platform' as const,
      clientExtensionResults: {},
    }
  }
}
