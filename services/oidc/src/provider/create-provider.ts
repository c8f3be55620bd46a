// The oidc-provider instance (OpenID Certified; the protocol is its, not ours): issuer PUBLIC_URL, endpoints under /oidc/,
// its state in our database through the adapter, signing with the key ring's keys.
import Provider, { type Adapter, type Configuration, type JWKS } from 'oidc-provider'
import type { SigningAlgorithm } from '@portcullis/shared/settings/signing-keys'
import { compareClientSecretsHashed } from './hashed-client-secrets.ts'
import { OIDC_ROUTES } from './routes.ts'

export interface ProviderOptions {
  issuer: string
  /** The adapter's factory: one adapter per model (Session, AccessToken, Client, ...). */
  adapter: (model: string) => Adapter
  /** Private JWKs of the key ring; the first is the one oidc-provider signs with. */
  jwks: JWKS
  /** The key ring's algorithm: ID tokens are signed with it (oidc-provider's default, RS256, is a key we do not hold). */
  signingAlgorithm: SigningAlgorithm
  /** Behind the gateway: trust its X-Forwarded-* headers (TRUST_PROXY set). */
  behindProxy: boolean
}

export function createProvider(options: ProviderOptions): Provider {
  const configuration: Configuration = {
    adapter: options.adapter,
    jwks: options.jwks,
    routes: OIDC_ROUTES,
    clientDefaults: {
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      id_token_signed_response_alg: options.signingAlgorithm,
    },
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: false },
      introspection: { enabled: true },
      revocation: { enabled: true },
      rpInitiatedLogout: { enabled: true },
    },
  }
  const provider = new Provider(options.issuer, configuration)
  provider.proxy = options.behindProxy
  compareClientSecretsHashed(provider)
  return provider
}
