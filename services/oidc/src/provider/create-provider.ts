// The oidc-provider instance (OpenID Certified; the protocol is its, not ours): issuer PUBLIC_URL, endpoints under /oidc/,
// its state in our database through the adapter, signing with the key ring's keys. Code flow only, PKCE (S256) required for
// public clients and accepted from all, refresh tokens for every client, rotated at each use (a rotated one used again ends
// the grant), ID tokens carrying the claims of the scopes granted, introspection, revocation, RP-initiated logout (which ends
// the app's tokens, but those of offline_access, as oidc-provider does by default). Whatever it issued also ends with the
// Portcullis session it was signed in with (shared oidc/sign-ins.ts).
import Provider, { type Adapter, type Configuration, type FindAccount, type JWKS } from 'oidc-provider'
import type { SigningAlgorithm } from '@portcullis/shared/settings/signing-keys'
import { SCOPE_CLAIMS } from '../account/find-account.ts'
import { type PortcullisSessionCheck, portcullisLoginPolicy } from '../interaction/login-policy.ts'
import { compareClientSecretsHashed } from './hashed-client-secrets.ts'
import { logoutConfirmation, renderProviderError, signedOutPage } from './pages.ts'
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
  findAccount: FindAccount
  /** Whether the browser's Portcullis sign-in still stands for the provider's session (interaction/login-policy.ts). */
  stillSignedIn: PortcullisSessionCheck
  /** Where oidc-provider sends a browser to sign in or consent: our interaction routes. */
  interactionUrl: (uid: string) => string
  /** The keys its cookies are signed with, the first signing (provider/cookie-keys.ts). */
  cookieKeys: string[]
  lifetimes: {
    /** ACCESS_TOKEN_TTL: its access tokens and ID tokens. */
    accessToken: number
    /** REFRESH_IDLE_TTL: a refresh token not used for this long expires. */
    refreshIdle: number
    /** REFRESH_ABSOLUTE_TTL: no sign-in to an app (grant, refresh token, session) lasts longer. */
    refreshAbsolute: number
  }
}

/** How long the user has to finish signing in and consenting, seconds. */
const INTERACTION_TTL = 600
const AUTHORIZATION_CODE_TTL = 60

export function createProvider(options: ProviderOptions): Provider {
  const { lifetimes } = options
  const configuration: Configuration = {
    adapter: options.adapter,
    jwks: options.jwks,
    routes: OIDC_ROUTES,
    findAccount: options.findAccount,
    claims: SCOPE_CLAIMS as unknown as Configuration['claims'],
    scopes: ['openid', 'offline_access', 'profile', 'email'],
    // The claims of the scopes granted are in the ID token too, not only at userinfo: what most apps read at sign-in.
    conformIdTokenClaims: false,
    clientDefaults: {
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      id_token_signed_response_alg: options.signingAlgorithm,
    },
    responseTypes: ['code'],
    renderError: renderProviderError,
    cookies: { keys: options.cookieKeys },
    interactions: { url: (_ctx, interaction) => options.interactionUrl(interaction.uid), policy: portcullisLoginPolicy(options.stillSignedIn) },
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    rotateRefreshToken: true,
    ttl: {
      AccessToken: lifetimes.accessToken,
      IdToken: lifetimes.accessToken,
      AuthorizationCode: AUTHORIZATION_CODE_TTL,
      Interaction: INTERACTION_TTL,
      Session: lifetimes.refreshAbsolute,
      Grant: lifetimes.refreshAbsolute,
      RefreshToken: (_ctx, token) => {
        // Idle expiry at each rotation, never past the absolute end of the first token's sign-in (iiat).
        const now = Math.floor(Date.now() / 1000)
        const started = typeof token.iiat === 'number' ? token.iiat : now
        return Math.max(1, Math.min(lifetimes.refreshIdle, started + lifetimes.refreshAbsolute - now))
      },
    },
    features: {
      devInteractions: { enabled: false },
      introspection: { enabled: true },
      revocation: { enabled: true },
      rpInitiatedLogout: { enabled: true, logoutSource: logoutConfirmation, postLogoutSuccessSource: signedOutPage },
    },
  }
  const provider = new Provider(options.issuer, configuration)
  provider.proxy = options.behindProxy
  compareClientSecretsHashed(provider)
  return provider
}
