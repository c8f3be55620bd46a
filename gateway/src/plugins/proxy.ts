// Routes /auth, /user and /admin to their services by prefix, after the access policy has let the request through.
import httpProxy from '@fastify/http-proxy'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { Forbidden, PayloadTooLarge } from '@portcullis/shared/errors'
import { hasRole } from '@portcullis/shared/tokens/principal'
import { type Access, accessFor } from '../routes/access-policy.ts'
import { routedPath } from '../routes/request-path.ts'
import { boundChunkedBody } from '../upstreams/bounded-body.ts'
import { forwardWithFailover } from '../upstreams/failover.ts'
import { forwardedHeaders } from '../upstreams/forward-headers.ts'
import type { UpstreamPool } from '../upstreams/pool.ts'

export interface ProxyOptions {
  routes: Array<{ prefix: '/auth' | '/user' | '/admin'; pool: UpstreamPool }>
  upstreamTimeoutMs: number
  /** The services' body limit: a larger body is refused here, before it is streamed to one of them. */
  bodyLimit: number
  /** The local address connections to the services come from: the one address their TRUST_PROXY believes. */
  sourceAddress?: string | undefined
}

/** The route's own prefix sets a floor: whatever the path says, nothing under /user is public, nothing under /admin less than admin. */
const PREFIX_ACCESS: Record<ProxyOptions['routes'][number]['prefix'], Access> = { '/auth': 'public', '/user': 'user', '/admin': 'admin' }
const RANK: Record<Access, number> = { public: 0, user: 1, admin: 2 }

async function enforceAccess(app: FastifyInstance, request: FastifyRequest, prefix: keyof typeof PREFIX_ACCESS): Promise<void> {
  const byPath = accessFor(routedPath(request)) ?? 'public'
  const access = RANK[byPath] >= RANK[PREFIX_ACCESS[prefix]] ? byPath : PREFIX_ACCESS[prefix]
  if (access === 'public') return
  const principal = await app.verifyAccessToken(request)
  if (!hasRole(principal, access)) throw new Forbidden()
}

async function proxy(app: FastifyInstance, options: ProxyOptions): Promise<void> {
  // A service refuses an oversized body with 413 before reading it and closes the connection mid-upload: through the proxy that
  // reads as a broken instance (502, marked down). Refuse it here, by its declared length, with the same 413 (a chunked body is
  // counted as it arrives, in boundChunkedBody).
  app.addHook('onRequest', async (request) => {
    if (Number(request.headers['content-length'] ?? 0) > options.bodyLimit) throw new PayloadTooLarge()
  })
  for (const { prefix, pool } of options.routes) {
    const forward = forwardWithFailover(pool, options.upstreamTimeoutMs)
    await app.register(httpProxy, {
      upstream: '',
      prefix,
      rewritePrefix: prefix,
      undici: { connections: 128, pipelining: 1, keepAliveTimeout: 30_000, ...(options.sourceAddress ? { localAddress: options.sourceAddress } : {}) },
      // The request's own log line says how it went; reply-from's two more per request cost throughput (BENCHMARKS.md).
      disableRequestLogging: true,
      preHandler: (request, reply, done) => {
        enforceAccess(app, request, prefix)
          .then(() => boundChunkedBody(request, reply, options.bodyLimit))
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

export const proxyPlugin = fp(proxy, { name: 'gateway-proxy', fastify: '5.x', dependencies: ['portcullis-access-tokens'] })
