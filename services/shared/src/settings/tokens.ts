// The access tokens every process agrees on (iss, aud, lifetime), and where a verifying process finds auth and its JWKS.
import { type Static, Type } from 'typebox'
import { checkedUrl, withoutTrailingSlash } from './url.ts'

export const TokenSettings = Type.Object({
  TOKEN_ISSUER: Type.String({ default: 'portcullis', description: 'iss of access tokens: auth signs it, the others require it' }),
  TOKEN_AUDIENCE: Type.String({ default: 'portcullis', description: 'aud of access tokens: auth signs it, the others require it' }),
  ACCESS_TOKEN_TTL: Type.Integer({ minimum: 30, maximum: 86_400, default: 600, description: 'access-token lifetime, seconds' }),
})

export interface TokenConfig {
  tokenIssuer: string
  tokenAudience: string
  accessTokenTtl: number
}

export function tokenConfig(values: Static<typeof TokenSettings>): TokenConfig {
  return { tokenIssuer: values.TOKEN_ISSUER, tokenAudience: values.TOKEN_AUDIENCE, accessTokenTtl: values.ACCESS_TOKEN_TTL }
}

/** Where the services and the gateway reach auth: its JWKS to verify tokens, and (the gateway) its internal API. */
export const AuthLocationSettings = Type.Object({
  AUTH_URL: Type.String({ default: 'http://127.0.0.1:8081', description: 'where the other processes reach the auth service' }),
  JWKS_URL: Type.Optional(Type.String({ description: 'the public keys that verify access tokens; unset: $AUTH_URL/auth/.well-known/jwks.json' })),
})

export interface AuthLocationConfig {
  authUrl: string
  jwksUrl: string
}

export function authLocationConfig(values: Static<typeof AuthLocationSettings>): AuthLocationConfig {
  const authUrl = withoutTrailingSlash(checkedUrl('AUTH_URL', values.AUTH_URL, ['http:', 'https:']))
  const jwksUrl = values.JWKS_URL === undefined ? `${authUrl}/auth/.well-known/jwks.json` : checkedUrl('JWKS_URL', values.JWKS_URL, ['http:', 'https:'])
  return { authUrl, jwksUrl }
}

/** REFRESH_IDLE_TTL: when a session not refreshed ends. Auth ends it; user and admin ask the same rule (sessions/liveness.ts). */
export const SessionIdleSettings = Type.Object({
  REFRESH_IDLE_TTL: Type.Integer({ minimum: 60, maximum: 31_536_000, default: 604_800, description: 'a session not refreshed for this long ends, seconds' }),
})

/** REFRESH_ABSOLUTE_TTL: the longest a session lasts; auth ends it, and a sign-in to another app through Portcullis lasts no longer. */
export const SessionAbsoluteSettings = Type.Object({
  REFRESH_ABSOLUTE_TTL: Type.Integer({
    minimum: 60,
    maximum: 31_536_000,
    default: 2_592_000,
    description: 'a session ends this long after sign-in whatever happens, seconds',
  }),
})

/** STEP_UP_MAX_AGE: how recent a sign-in must be to change the password, the email or the second factors (tokens/recent-auth.ts). */
export const StepUpSettings = Type.Object({
  STEP_UP_MAX_AGE: Type.Integer({
    minimum: 10,
    maximum: 86_400,
    default: 300,
    description: 'changing the password, the email or the second factors needs a sign-in (or a re-authentication) at most this long ago, seconds',
  }),
})

export interface StepUpConfig {
  stepUpMaxAge: number
}

export function stepUpConfig(values: Static<typeof StepUpSettings>): StepUpConfig {
  return { stepUpMaxAge: values.STEP_UP_MAX_AGE }
}
