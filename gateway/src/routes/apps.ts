// The teams' own apps (APPS_FILE) behind the gateway: every path under an app's prefix goes to one of its instances after
// its access rules let it through, with the caller's verified identity added and anything a client claimed about it
// removed. A signed-out browser opening a protected page is sent to the login page, which brings it back. A WebSocket
// upgrade is decided here too (apps/websocket-upgrade.ts asks).
import replyFrom from '@fastify/reply-from'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { Forbidden, NotFound, PayloadTooLarge, type ProblemFactory, Unauthenticated } from '@portcullis/shared/errors'
import { SessionNotLive } from '@portcullis/shared/internal/auth-client'
import { sendProblem } from '@portcullis/shared/problem'
import { ACCESS_COOKIE_NAME } from '@portcullis/shared/sessions/access-cookie'
import { hasRole } from '@portcullis/shared/tokens/principal'
import { invalidToken } from '@portcullis/shared/tokens/refusals'
import { appAccess } from '../apps/app-access.ts'
import type { RoutedApp } from '../apps/app-registry.ts'
import { type CallerSession, callerSession, refuseCrossSite, refuseCrossSiteUpgrade } from '../apps/caller-session.ts'
import { identityHeaders } from '../apps/identity-headers.ts'
import { UPGRADE_CHECK_HEADER, UPGRADE_DESTINATION_HEADER, UPGRADE_UPSTREAM_HEADER, upgradeSecret } from '../apps/websocket-upgrade.ts'
import { CrossSiteRequest, UpstreamUnavailable } from '../errors.ts'
import { PROXY_PROBLEMS } from './proxy.ts'
import { routedPath } from '../policy/request-path.ts'
import { boundChunkedBody } from '../upstreams/bounded-body.ts'
import { forwardWithFailover } from '../upstreams/failover.ts'
import { forwardedHeaders } from '../upstreams/forward-headers.ts'
import type {} from '../plugins/app/context.ts'

/** What the gateway itself may answer on an app's route: what it answers on our own routes, and a cross-site change refused. */
export const APP_PROBLEMS: readonly ProblemFactory[] = [...PROXY_PROBLEMS, CrossSiteRequest]

/** Portcullis' own cookies: an app never sees them (the refresh token's cookie is on /auth anyway). */
const OWN_COOKIES = new Set([ACCESS_COOKIE_NAME, 'portcullis_refresh'])

function withoutOwnCookies(header: string | string[] | undefined): string | undefined {
  const joined = Array.isArray(header) ? header.join('; ') : header
  if (!joined) return undefined
  const kept = joined
    .split(';')
    .map((part) => part.trim())
    .filter((part) => part && !OWN_COOKIES.has(part.split('=', 1)[0]?.trim() ?? ''))
  return kept.length > 0 ? kept.join('; ') : undefined
}

/** Where the request goes on the instance: the same path, or without the prefix when the app strips it. */
function destination(app: RoutedApp, request: FastifyRequest): string {
  const { prefix, stripPrefix } = app.definition
  if (!stripPrefix) return request.url
  const rest = request.url.startsWith(prefix) ? request.url.slice(prefix.length) : request.url
  if (rest === '' || rest.startsWith('?')) return `/${rest}`
  return rest
}

/** A browser opening a page (not a script's fetch): sent to the login page rather than answered 401. */
function isNavigation(request: FastifyRequest): boolean {
  return (request.method === 'GET' || request.method === 'HEAD') && request.headers['sec-fetch-mode'] === 'navigate'
}

function toLogin(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return reply.header('cache-control', 'no-store').redirect(`/login?next=${encodeURIComponent(request.url)}`, 302)
}

async function apps(app: FastifyInstance): Promise<void> {
  const config = app.gatewayConfig
  const registry = app.apps
  await app.register(async (scope) => {
    // Bodies go to the app as they came, unparsed, whatever their type.
    scope.removeAllContentTypeParsers()
    scope.addContentTypeParser('*', (_request, payload, done) => done(null, payload))
    await scope.register(replyFrom, {
      undici: { connections: 128, pipelining: 1, keepAliveTimeout: 30_000, ...(config.proxySourceAddress ? { localAddress: config.proxySourceAddress } : {}) },
      disableRequestLogging: true,
    })

    scope.all('/*', async (request, reply) => {
      const path = routedPath(request)
      const routed = registry.match(path)
      if (!routed) throw new NotFound()
      const { definition } = routed
      const bodyLimit = definition.bodyLimit ?? config.bodyLimit
      if (Number(request.headers['content-length'] ?? 0) > bodyLimit) throw new PayloadTooLarge()
      app.appRateLimiter.count(definition.name, definition.rateLimitPerIp, request.ip)
      const access = appAccess(definition, request.method, path)

      let session: CallerSession | undefined
      try {
        session = await callerSession(app, request)
      } catch (refusal) {
        // A token that does not verify: a public route is served as to anyone; a protected one refuses (or, for a page, signs in).
        if (access !== 'public') {
          if (isNavigation(request)) return toLogin(request, reply)
          throw refusal
        }
      }
      if (access !== 'public') {
        if (!session) {
          if (isNavigation(request)) return toLogin(request, reply)
          throw new Unauthenticated()
        }
        if (!hasRole(session.principal, access)) throw new Forbidden()
      }
      if (session) refuseCrossSite(request, session)

      let identity: Record<string, string> = {}
      if (session) {
        try {
          identity = identityHeaders(session.principal, await app.identities.identityFor(session.principal, definition.name))
        } catch (error) {
          // Auth says the session has just ended (faster than the revocation feed): not signed in.
          if (error instanceof SessionNotLive) {
            if (access !== 'public') {
              if (isNavigation(request)) return toLogin(request, reply)
              throw invalidToken()
            }
          } else {
            request.log.warn({ err: error, app: definition.name }, 'no identity token for the app')
            if (access !== 'public') return sendProblem(request, reply, new UpstreamUnavailable('auth'))
          }
        }
      }
      const outgoing = (headers: Record<string, string | string[] | undefined>) => {
        const out = forwardedHeaders(request, headers)
        // Our token (header or cookie) is ours: the app gets the identity instead, never a token it could replay to us.
        if (session) delete out.authorization
        const cookie = withoutOwnCookies(out.cookie)
        if (cookie === undefined) delete out.cookie
        else out.cookie = cookie
        if (definition.stripPrefix) out['x-forwarded-prefix'] = definition.prefix
        return { ...out, ...identity }
      }
      if (request.headers[UPGRADE_CHECK_HEADER] === upgradeSecret) {
        // A WebSocket upgrade let through (apps/websocket-upgrade.ts joins the sockets): what to send, and where.
        if (session) refuseCrossSiteUpgrade(request, session)
        const upstream = routed.pool.pick()
        if (!upstream) return sendProblem(request, reply, new UpstreamUnavailable(`app ${definition.name}`))
        const { [UPGRADE_CHECK_HEADER]: _check, ...sent } = request.headers
        return reply
          .code(204)
          .headers({ ...outgoing(sent), [UPGRADE_DESTINATION_HEADER]: destination(routed, request), [UPGRADE_UPSTREAM_HEADER]: upstream })
          .send()
      }
      await boundChunkedBody(request, reply, bodyLimit)
      const forward = forwardWithFailover(routed.pool, config.upstreamTimeoutMs)
      return forward(request, reply, destination(routed, request), {
        rewriteRequestHeaders: (_request, headers) => outgoing(headers) as typeof headers,
      })
    })
  })
}

export const appRoutes = fp(apps, { name: 'gateway-apps', fastify: '5.x', dependencies: ['portcullis-access-tokens', 'gateway-context'] })
