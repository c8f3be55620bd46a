// Public keys from the auth service's JWKS: cached by kid, fetched again for an unknown kid, refreshed in the background.
import { createPublicKey } from 'node:crypto'

export interface JwksKeySource {
  /** PEM of the key with this kid, or undefined when auth does not publish it. */
  publicKeyPem(kid: string): Promise<string | undefined>
  /** Fetches the set now; throws when auth cannot be reached. */
  refresh(): Promise<void>
  isLoaded(): boolean
  stop(): void
}

export interface JwksOptions {
  url: string
  refreshIntervalMs?: number
  /** An unknown kid triggers at most one fetch per this interval, so junk tokens cannot flood auth. */
  unknownKidCooldownMs?: number
  timeoutMs?: number
}

interface Jwk {
  kid?: unknown
  kty?: unknown
  [name: string]: unknown
}

export function createJwksKeySource(options: JwksOptions): JwksKeySource {
  let keys = new Map<string, string>()
  let lastFetch = 0
  let inflight: Promise<void> | undefined
  const cooldown = options.unknownKidCooldownMs ?? 1000

  async function fetchKeys(): Promise<void> {
    inflight ??= (async () => {
      try {
        lastFetch = Date.now()
        const res = await fetch(options.url, { signal: AbortSignal.timeout(options.timeoutMs ?? 3000) })
        if (!res.ok) throw new Error(`JWKS answered ${res.status}`)
        const body = (await res.json()) as { keys?: Jwk[] }
        const next = new Map<string, string>()
        for (const jwk of body.keys ?? []) {
          if (typeof jwk.kid !== 'string') continue
          try {
            next.set(
              jwk.kid,
              createPublicKey({ key: jwk as never, format: 'jwk' })
                .export({ type: 'spki', format: 'pem' })
                .toString(),
            )
          } catch {
            // a key we cannot read is a key we cannot verify with
          }
        }
        keys = next
      } finally {
        inflight = undefined
      }
    })()
    return inflight
  }

  const timer = setInterval(() => {
    fetchKeys().catch(() => {})
  }, options.refreshIntervalMs ?? 60_000)
  timer.unref()

  return {
    async publicKeyPem(kid) {
      const known = keys.get(kid)
      if (known) return known
      if (Date.now() - lastFetch < cooldown) {
        if (inflight) await inflight.catch(() => {})
        return keys.get(kid)
      }
      await fetchKeys().catch(() => {})
      return keys.get(kid)
    },
    refresh: fetchKeys,
    isLoaded: () => keys.size > 0,
    stop: () => clearInterval(timer),
  }
}

class KeysNotLoaded extends Error {
  override name = 'KeysNotLoaded'
}

/** The readiness check of a process that verifies tokens: auth may have started after it, so each probe asks again until it has keys. */
export function keysLoaded(keys: JwksKeySource): () => Promise<void> {
  return async () => {
    if (!keys.isLoaded()) await keys.refresh().catch(() => {})
    if (!keys.isLoaded()) throw new KeysNotLoaded()
  }
}
