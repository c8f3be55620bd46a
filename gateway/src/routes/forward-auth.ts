// GET /auth/forward-auth: the gateway's answer to a front proxy that protects pages of its own (Nginx auth_request,
// Traefik ForwardAuth, Caddy forward_auth) and asks, for each request, whether it may pass: 200 with the identity headers,
// 401 signed out (or, for Traefik and Caddy, which hand a redirect on to the browser, 302 to the login page), 403 for too
// low a role or a cross-site change. The proxy forwards the original request's headers; its method and URI come as
// X-Original-Method / X-Forwarded-Method and X-Original-URI / X-Forwarded-Uri. Answered here, not by auth: it is the
// gateway that verifies tokens and sees revocations within seconds (docs/forward-auth.md).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { type Static, Type } from 'typebox'
import {
  Forbidden,
  InvalidToken,
  type ProblemError,
  type ProblemFactory,
  RateLimited,
  TokenExpired,
  Unauthenticated,
  ValidationFailed,
} from '@portcullis/shared/errors'
import { SessionNotLive } from '@portcullis/shared/internal/auth-client'
import { hasRole } from '@portcullis/shared/tokens/principal'
import { invalidToken } from '@portcullis/shared/tokens/refusals'
import { type CallerSession, callerSession, refuseCrossSite } from '../apps/caller-session.ts'
import { identityHeaders } from '../apps/identity-headers.ts'
import { CrossSiteRequest, UpstreamUnavailable } from '../errors.ts'
import type {} from '../plugins/app/context.ts'

export const FORWARD_AUTH_ROUTE = 'GET /auth/forward-auth'

/** What the route answers besides 200 and the redirect. */
export const FORWARD_AUTH_PROBLEMS: readonly ProblemFactory[] = [
  ValidationFailed,
  RateLimited,
  Unauthenticated,
  InvalidToken,
  TokenExpired,
  Forbidden,
  CrossSiteRequest,
  UpstreamUnavailable,
]

/** The identity token's audience when the proxy names no app. */
export const DEFAULT_AUDIENCE = 'forward-auth'

const ForwardAuthQuery = Type.Object(
  {
    access: Type.Optional(
      Type.Union([Type.Literal('user'), Type.Literal('admin')], {
        title: 'access',
        errorMessage: 'must be user or admin: the role the protected location needs',
      }),
    ),
    app: Type.Optional(
      Type.String({
        pattern: '^[a-z][a-z0-9-]{0,62}$',
        title: 'app',
        errorMessage: 'must be an app name (the identity token’s audience): a lowercase letter, then up to 62 lowercase letters, digits or hyphens',
      }),
    ),
    redirect: Type.Optional(
      Type.Union([Type.Literal('0'), Type.Literal('1')], {
        title: 'redirect',
        errorMessage: 'must be 1 (send a signed-out page load to the login page) or 0',
      }),
    ),
  },
  // A misspelt parameter (acess=admin) must not quietly mean the default.
  { additionalProperties: false },
)
type ForwardAuthQuery = Static<typeof ForwardAuthQuery>

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name]
  return Array.isArray(value) ? value.join(', ') : value
}

/**
 * The original request's method. Nginx's snippet sets both headers; Traefik and Caddy set X-Forwarded-Method and pass on
 * whatever else the client sent, so a client could add the other: when the two disagree the unsafe one counts, and a
 * claim can only make the checks stricter.
 */
function originalMethod(request: FastifyRequest): string {
  const claims = [header(request, 'x-original-method'), header(request, 'x-forwarded-method')]
    .filter((claim): claim is string => claim !== undefined && claim !== '')
    .map((claim) => claim.trim().toUpperCase())
  return claims.find((claim) => !SAFE_METHODS.has(claim)) ?? claims[0] ?? request.method
}

/** The original URI when it is a plain path of this origin (one leading slash, no backslash, printable ASCII), else undefined. */
export function sameOriginPath(uri: string | undefined): string | undefined {
  if (uri === undefined || uri.length > 2048) return undefined
  return /^\/(?![/\\])[\x21-\x7e]*$/.test(uri) && !uri.includes('\\') ? uri : undefined
}

/** A browser loading a page (not a script's fetch): Sec-Fetch-Mode navigate, or, from a browser that sends none, Accept text/html. */
function isNavigation(request: FastifyRequest, method: string): boolean {
  if (method !== 'GET' && method !== 'HEAD') return false
  const mode = header(request, 'sec-fetch-mode')
  if (mode !== undefined) return mode === 'navigate'
  return (header(request, 'accept') ?? '').includes('text/html')
}

function toLogin(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const next = sameOriginPath(header(request, 'x-original-uri') ?? header(request, 'x-forwarded-uri'))
  return reply.redirect(next === undefined ? '/login' : `/login?next=${encodeURIComponent(next)}`, 302)
}

/** The request as the cross-site check must see it: the original request's method, this one's headers (the proxy forwards them). */
function asOriginal(request: FastifyRequest, method: string): FastifyRequest {
  return Object.create(request, { method: { value: method } }) as FastifyRequest
}

async function forwardAuth(app: FastifyInstance): Promise<void> {
  // GET, and HEAD with it (Fastify's exposeHeadRoutes). A static route: it wins over the /auth/* proxy to auth.
  app.get<{ Querystring: ForwardAuthQuery }>(
    '/auth/forward-auth',
    {
      schema: { querystring: ForwardAuthQuery },
    },
    async (request, reply) => {
      // Every answer is about this one request and this caller: never kept by a cache between the proxy and us.
      reply.header('cache-control', 'no-store')
      const access = request.query.access ?? 'user'
      const audience = request.query.app ?? DEFAULT_AUDIENCE
      const method = originalMethod(request)
      const signedOut = (refusal: ProblemError): FastifyReply => {
        if (request.query.redirect === '1' && isNavigation(request, method)) return toLogin(request, reply)
        throw refusal
      }

      let session: CallerSession | undefined
      try {
        session = await callerSession(app, request)
      } catch (refusal) {
        // A token that does not verify (invalid, expired, revoked) is as good as none; anything else (no keys yet) is not ours to hide.
        if ((refusal as ProblemError).statusCode === 401) return signedOut(refusal as ProblemError)
        throw refusal
      }
      if (!session) return signedOut(new Unauthenticated())
      if (!hasRole(session.principal, access)) throw new Forbidden()
      refuseCrossSite(asOriginal(request, method), session)

      let identity: Record<string, string>
      try {
        identity = identityHeaders(session.principal, await app.identities.identityFor(session.principal, audience))
      } catch (error) {
        // Auth says the session has just ended (faster than the revocation feed): not signed in.
        if (error instanceof SessionNotLive) return signedOut(invalidToken())
        request.log.warn({ err: error, audience }, 'no identity token for forward auth')
        throw new UpstreamUnavailable('auth')
      }
      return reply.code(200).headers(identity).send()
    },
  )
}

export const forwardAuthRoute = fp(forwardAuth, {
  name: 'gateway-forward-auth',
  fastify: '5.x',
  dependencies: ['portcullis-access-tokens', 'gateway-context'],
})
