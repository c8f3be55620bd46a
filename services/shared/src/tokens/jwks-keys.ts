// Public keys from the auth service's JWKS, through jose's remote key set (createRemoteJWKSet): fetched once, again for an
// unknown kid (at most once per cooldown, so junk tokens cannot flood auth), and refreshed in the background; a failed
// refresh keeps the keys already known. @fastify/jwt (fast-jwt) verifies with the PEM of the key jose selects.
import { KeyObject } from 'node:crypto'
import { createRemoteJWKSet } from 'jose'

export interface JwksKeySource {
  /** PEM of the key this token header names (kid and alg), or undefined when auth does not publish it. */
  publicKeyPem(header: { kid: string; alg: string }): Promise<string | undefined>
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

export function createJwksKeySource(options: JwksOptions): JwksKeySource {
  const keySet = createRemoteJWKSet(new URL(options.url), {
    cooldownDuration: options.unknownKidCooldownMs ?? 1000,
    timeoutDuration: options.timeoutMs ?? 3000,
    // The background refresh below keeps the set current; a set that cannot be fetched again stays in use.
    cacheMaxAge: Number.POSITIVE_INFINITY,
  })
  // jose imports each key once; its PEM is made once per key.
  const pems = new WeakMap<object, string>()

  const timer = setInterval(() => {
    keySet.reload().catch(() => {})
  }, options.refreshIntervalMs ?? 60_000)
  timer.unref()

  return {
    async publicKeyPem(header) {
      let key: Awaited<ReturnType<typeof keySet>>
      try {
        key = await keySet(header)
      } catch {
        // No key with this kid (after one more fetch, cooldown permitting), or auth unreachable: nothing to verify with.
        return undefined
      }
      let pem = pems.get(key)
      if (pem === undefined) {
        pem = KeyObject.from(key).export({ type: 'spki', format: 'pem' }).toString()
        pems.set(key, pem)
      }
      return pem
    },
    refresh: () => keySet.reload(),
    isLoaded: () => (keySet.jwks()?.keys.length ?? 0) > 0,
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
