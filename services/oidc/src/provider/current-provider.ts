// oidc-provider reads its keystore once, when it is made; the key ring reloads from the database (every 30 s, and on an
// unknown kid). When the ring's keys change (pnpm rotate-keys, a new KEY_ENCRYPTION_KEY), a new provider is made with them and
// takes the next request: everything else it holds is in the database (oidc_payloads, oidc_clients), so nothing is lost.
import type { KeyRing } from '@portcullis/shared/keys/ring'
import type Provider from 'oidc-provider'
import type { JWKS } from 'oidc-provider'
import { ringJwks } from './ring-jwks.ts'

export interface CurrentProvider {
  get(): Provider
  /** Makes a new provider when the ring's keys are not those of the current one; true when it did. */
  refresh(): boolean
}

function keySetOf(ring: KeyRing): string {
  return ring
    .privateKeys()
    .map((key) => key.kid)
    .join(' ')
}

export function currentProvider(ring: KeyRing, make: (jwks: JWKS) => Provider): CurrentProvider {
  let keySet = keySetOf(ring)
  let provider = make(ringJwks(ring))
  return {
    get: () => provider,
    refresh() {
      const now = keySetOf(ring)
      if (now === keySet) return false
      provider = make(ringJwks(ring))
      keySet = now
      return true
    },
  }
}
