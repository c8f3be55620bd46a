// The key set one auth (or OpenID Connect provider) instance signs with and publishes, reloaded from the database so rotation
// needs no restart.
import { createPublicKey } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { SigningAlgorithm } from '../settings/signing-keys.ts'
import type { Database, SigningKeyRow } from '../db/schema.ts'
import { type KeyWrapping, unwrapPrivateKey } from './private-key-wrapping.ts'
import { ensureActiveKey, loadPublishedKeys } from './store.ts'

/** One object per key for as long as the ring holds it (a reload keeps it), so a signer built for it is built once. */
export interface SigningKey {
  kid: string
  alg: SigningAlgorithm
  privatePem: string
}

export interface PublicJwk {
  kid: string
  alg: string
  kty: string
  use: string
  crv?: string
  x?: string
  y?: string
}

export interface KeyRing {
  /** Loads the keys, creating the first one if the database has none. */
  start(): Promise<void>
  stop(): void
  reload(): Promise<void>
  signingKey(): SigningKey
  /** Every published key with its private half, the one signing first (what an OpenID Connect provider's keystore takes). */
  privateKeys(): SigningKey[]
  /** The PEM public key for a kid, reloading once when the kid is unknown (another instance may have rotated). */
  publicKeyPem(kid: string): Promise<string | undefined>
  jwks(): { keys: PublicJwk[] }
  isLoaded(): boolean
}

export interface KeyRingOptions {
  algorithm: SigningAlgorithm
  accessTokenTtl: number
  /** KEY_ENCRYPTION_KEY and the previous ones: the private keys are unwrapped here, in memory only. */
  wrapping: KeyWrapping
  now: () => number
  reloadIntervalMs?: number
  /** Told after every reload that read the keys (a holder of its own keystore, oidc-provider's, rebuilds it on a change). */
  onReload?: () => void
}

const UNKNOWN_KID_RELOAD_MS = 2000

export function createKeyRing(db: Kysely<Database>, options: KeyRingOptions): KeyRing {
  let rows: SigningKeyRow[] = []
  let privateKeys = new Map<string, SigningKey>()
  let publicPems = new Map<string, string>()
  let jwks: PublicJwk[] = []
  let timer: NodeJS.Timeout | undefined
  let lastReload = 0
  let reloading: Promise<void> | undefined

  function keptOrNew(row: SigningKeyRow, privatePem: string): SigningKey {
    const held = privateKeys.get(row.kid)
    if (held && held.alg === row.alg && held.privatePem === privatePem) return held
    return { kid: row.kid, alg: row.alg as SigningAlgorithm, privatePem }
  }

  async function reload(): Promise<void> {
    reloading ??= (async () => {
      try {
        const loaded = await loadPublishedKeys(db, options.now(), options.accessTokenTtl)
        // Unwrapped before anything is replaced: a key this process cannot open leaves the set it had.
        const unwrapped = new Map(loaded.map((row) => [row.kid, keptOrNew(row, unwrapPrivateKey(row.private_pem, row.kid, options.wrapping))]))
        rows = loaded
        privateKeys = unwrapped
        publicPems = new Map(
          loaded.map((row) => [
            row.kid,
            createPublicKey({ key: JSON.parse(row.public_jwk), format: 'jwk' })
              .export({ type: 'spki', format: 'pem' })
              .toString(),
          ]),
        )
        jwks = loaded.map((row) => JSON.parse(row.public_jwk) as PublicJwk)
        lastReload = Date.now()
        options.onReload?.()
      } finally {
        reloading = undefined
      }
    })()
    return reloading
  }

  return {
    async start() {
      await ensureActiveKey(db, options.algorithm, options.now(), options.wrapping)
      await reload()
      timer = setInterval(() => {
        reload().catch(() => {})
      }, options.reloadIntervalMs ?? 30_000)
      timer.unref()
    },
    stop() {
      clearInterval(timer)
    },
    reload,
    signingKey() {
      const active = rows.find((row) => row.retired_at === null) ?? rows[0]
      if (!active) throw new Error('no signing key is loaded')
      const key = privateKeys.get(active.kid)
      if (!key) throw new Error(`signing key ${active.kid} is not unwrapped`)
      return key
    },
    privateKeys() {
      const active = this.signingKey()
      const others = rows.filter((row) => row.kid !== active.kid)
      return [
        active,
        ...others.flatMap((row) => {
          const key = privateKeys.get(row.kid)
          return key ? [key] : []
        }),
      ]
    },
    async publicKeyPem(kid) {
      const known = publicPems.get(kid)
      if (known || Date.now() - lastReload < UNKNOWN_KID_RELOAD_MS) return known
      await reload()
      return publicPems.get(kid)
    },
    jwks() {
      return { keys: jwks }
    },
    isLoaded() {
      return rows.length > 0
    },
  }
}
