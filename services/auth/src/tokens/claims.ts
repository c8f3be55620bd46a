// The kinds of token auth signs, what each must carry, and how a verified token becomes a caller: a user's access token
// (the claims every service checks), a service token for the internal API (audience `<aud>:internal`, a scope), and an
// identity token for one app (audience the app's name, token_use "identity"), which no service takes as either.
import { claimsAreOurs } from '@portcullis/shared/tokens/verify'

export interface ServicePrincipal {
  clientId: string
  scopes: string[]
}

/** A service token's lifetime, seconds. */
export const SERVICE_TOKEN_TTL = 300

export function internalAudience(audience: string): string {
  return `${audience}:internal`
}

/** An identity token's lifetime, seconds: the gateway asks again for each app about once a minute per session. */
export const IDENTITY_TOKEN_TTL = 60

/** An app's name, which is the audience of its identity tokens (the gateway's APPS_FILE names apps the same way). */
export const APP_AUDIENCE_PATTERN = '^[a-z][a-z0-9-]{0,62}$'

/** An audience that an identity token may not have: one that would make it verify as an access or service token. */
export function isReservedAudience(audience: string, tokenAudience: string): boolean {
  return audience === tokenAudience || audience.endsWith(':internal')
}

/** The user and session of a verified access token, or undefined when it is not one of ours for users. */
export function accessTokenSubject(
  claims: Record<string, unknown>,
  audience: string,
  lifetimeSeconds: number,
): { userId: string; sessionId: string } | undefined {
  const { sub, sid, jti } = claims
  if (typeof sub !== 'string' || typeof sid !== 'string' || typeof jti !== 'string') return undefined
  return claimsAreOurs(claims, audience, lifetimeSeconds) ? { userId: sub, sessionId: sid } : undefined
}

/** The service client of a verified service token, or undefined when it is not one of ours for services. */
export function serviceTokenCaller(claims: Record<string, unknown>, audience: string): ServicePrincipal | undefined {
  const { token_use, sub, jti, scope } = claims
  if (token_use !== 'service' || typeof sub !== 'string' || typeof jti !== 'string') return undefined
  if (!claimsAreOurs(claims, internalAudience(audience), SERVICE_TOKEN_TTL)) return undefined
  return { clientId: sub, scopes: typeof scope === 'string' ? scope.split(' ') : [] }
}
