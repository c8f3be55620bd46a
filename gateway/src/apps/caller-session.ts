// Who is calling an app: the access token of the Authorization header (API clients, the SPA's calls) or, on a browser's
// plain navigation, of the portcullis_access cookie auth keeps fresh in cookie mode. Verified as on every route of ours
// (signature, claims, revocation within seconds). The cookie is sent by the browser whatever page asks, so a request that
// changes something and is authenticated by it alone must come from a page of this origin.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { isFromThisOrigin } from '@portcullis/shared/same-origin'
import { type PresentedAccessToken, presentedAccessToken } from '@portcullis/shared/sessions/access-cookie'
import type { Principal } from '@portcullis/shared/tokens/principal'
import { CrossSiteRequest } from '../errors.ts'

export interface CallerSession {
  principal: Principal
  /** Where the token came from: the cookie needs the same-origin check for unsafe methods. */
  via: PresentedAccessToken['via']
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/** The token the request carries, and where it came from; undefined when it carries none. */
export function presentedToken(request: FastifyRequest): PresentedAccessToken | undefined {
  return presentedAccessToken(request.headers)
}

/**
 * The verified caller, or undefined when no token came. A token that does not verify throws the refusal (401 invalid_token,
 * token_expired) as on our own routes.
 */
export async function callerSession(app: FastifyInstance, request: FastifyRequest): Promise<CallerSession | undefined> {
  const presented = presentedToken(request)
  if (!presented) return undefined
  // The verifier reads the Authorization header: a cookie's token is verified the same way, and the header is never
  // forwarded to the app (apps/app-proxy.ts removes both).
  if (presented.via === 'cookie') request.headers.authorization = `Bearer ${presented.token}`
  const principal = await app.verifyAccessToken(request)
  return { principal, via: presented.via }
}

/** Whether the browser says the request comes from a page of this origin (the shared rule: same-origin.ts). */
function fromThisOrigin(request: FastifyRequest): boolean {
  return isFromThisOrigin(request.headers, request.host)
}

/** Cross-site request forgery: an unsafe method authenticated by the cookie alone must come from this origin. */
export function refuseCrossSite(request: FastifyRequest, session: CallerSession): void {
  if (session.via === 'cookie' && !SAFE_METHODS.has(request.method) && !fromThisOrigin(request)) throw new CrossSiteRequest()
}

/** Cross-site WebSocket hijacking: an upgrade authenticated by the cookie must come from a page of this origin. */
export function refuseCrossSiteUpgrade(request: FastifyRequest, session: CallerSession): void {
  if (session.via === 'cookie' && !fromThisOrigin(request)) throw new CrossSiteRequest()
}
