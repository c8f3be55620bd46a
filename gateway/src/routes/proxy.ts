// The gateway's routes: /auth, /user and /admin to their services by prefix, /.well-known/openid-configuration and /oidc to
// the OpenID Connect provider, after the access policy has let the request through (the services' body limit is enforced
// here first, and a dead instance is skipped).
import httpProxy from '@fastify/http-proxy'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import {
  BadRequest,
  Forbidden,
  InvalidToken,
  PayloadTooLarge,
  type ProblemFactory,
  RateLimited,
  TokenExpired,
  Unauthenticated,
} from '@portcullis/shared/errors'
import type { SecurityHeadersRouteConfig } from '@portcullis/shared/plugins/external/helmet'
import { hasRole } from '@portcullis/shared/tokens/principal'
import { OIDC_DISCOVERY_PATH, OIDC_PREFIX, type RoutedPrefix, requiredAccess } from '../policy/access-policy.ts'
import { routedPath } from '../policy/request-path.ts'
import { boundChunkedBody } from '../upstreams/bounded-body.ts'
import { forwardWithFailover } from '../upstreams/failover.ts'
import { forwardedHeaders } from '../upstreams/forward-headers.ts'
import type { UpstreamPool } from '../upstreams/pool.ts'
import { UpstreamTimeout, UpstreamUnavailable } from '../errors.ts'
import type {} from '../plugins/app/context.ts'

/**
 * What the gateway itself may answer on any route it forwards, before or instead of the service: an ambiguous path, a body
 * over the limit, too many requests, a token the route needs missing, invalid, expired, revoked or of too low a role, and a
 * service that cannot answer.
 */
export const PROXY_PROBLEMS: readonly ProblemFactory[] = [
  BadRequest,
  PayloadTooLarge,
  RateLimited,
  Unauthenticated,
  InvalidToken,
  TokenExpired,
  Forbidden,
  UpstreamUnavailable,
  UpstreamTimeout,
]

/** The access policy (policy/access-policy.ts) on the path as the router decoded it, before any service is touched. */
async function enforceAccess(app: FastifyInstance, request: FastifyRequest, prefix: RoutedPrefix): Promise<void> {
  const access = requiredAccess(routedPath(request), prefix)
  if (access === 'public') return
  const principal = await app.verifyAccessToken(request)
  if (!hasRole(principal, access)) throw new Forbidden()
}

interface ProxiedRoute {
  prefix: RoutedPrefix
  pool: UpstreamPool
  /** The paths under the prefix (@fastify/http-proxy's `routes`); unset: the prefix and everything below it. */
  below?: string[]
  /** Route options: the provider's pages (form_post, the logout form) are its own, with no Content-Security-Policy of ours. */
  config?: SecurityHeadersRouteConfig
}

/**
 * The gateway's Content-Security-Policy is the web app's (script-src 'self', form-action 'self'); the provider's HTML answers
 * submit a form to the client's redirect_uri by an inline script (response_mode=form_post) and redirect to the client after
 * the logout form, which it would block. Its other security headers stay.
 */
const PROVIDER_PAGES: SecurityHeadersRouteConfig = { securityHeaders: 'without-csp' }

async function proxy(app: FastifyInstance): Promise<void> {
  const config = app.gatewayConfig
  const routes: ProxiedRoute[] = [
    { prefix: '/auth', pool: app.upstreams.auth },
    { prefix: '/user', pool: app.upstreams.user },
    { prefix: '/admin', pool: app.upstreams.admin },
    // Discovery is the one path, nothing below it.
    { prefix: OIDC_DISCOVERY_PATH, pool: app.upstreams.oidc, below: ['/'], config: PROVIDER_PAGES },
    { prefix: OIDC_PREFIX, pool: app.upstreams.oidc, config: PROVIDER_PAGES },
  ]
  // A service refuses an oversized body with 413 before reading it and closes the connection mid-upload: through the proxy that
  // reads as a broken instance (502, marked down). Refuse it here, by its declared length, with the same 413 (a chunked body is
  // counted as it arrives, in boundChunkedBody).
  app.addHook('onRequest', (request, _reply, done) => {
    // An app's route checks its own body_limit (routes/apps.ts).
    const length = request.headers['content-length']
    done(length !== undefined && Number(length) > config.bodyLimit && !app.apps.match(routedPath(request)) ? new PayloadTooLarge() : undefined)
  })
  for (const { prefix, pool, below, config: routeConfig } of routes) {
    const forward = forwardWithFailover(pool, config.upstreamTimeoutMs)
    await app.register(httpProxy, {
      upstream: '',
      prefix,
      rewritePrefix: prefix,
      ...(below ? { routes: below } : {}),
      ...(routeConfig ? { config: routeConfig } : {}),
      undici: { connections: 128, pipelining: 1, keepAliveTimeout: 30_000, ...(config.proxySourceAddress ? { localAddress: config.proxySourceAddress } : {}) },
      // The request's own log line says how it went; reply-from's two more per request cost throughput (BENCHMARKS.md).
      disableRequestLogging: true,
      preHandler: (request, reply, done) => {
        enforceAccess(app, request, prefix)
          .then(() => boundChunkedBody(request, reply, config.bodyLimit))
          .then(() => done(), done)
      },
      replyOptions: {
        // Required by http-proxy when upstream is ''; the failover handler below picks the instance itself.
        getUpstream: () => pool.all()[0] ?? '',
        rewriteRequestHeaders: (request, headers) => forwardedHeaders(request as unknown as FastifyRequest, headers) as typeof headers,
      },
      handler: (request: FastifyRequest, reply: FastifyReply, dest: string, handlerOptions: Parameters<FastifyReply['from']>[1]) =>
        forward(request, reply, dest, handlerOptions),
    })
  }
}

export const proxyRoutes = fp(proxy, { name: 'gateway-proxy', fastify: '5.x', dependencies: ['portcullis-access-tokens', 'gateway-context'] })
