// Per-IP request limits: one for everything, a tighter one for login and signup; shared through Redis when REDIS_URL is set.
import rateLimit from '@fastify/rate-limit'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { Redis } from 'ioredis'
import { RateLimited } from '@portcullis/shared/errors'
import { clientNetwork } from '@portcullis/shared/net/client-network'
import { isCredentialRoute } from '../../policy/access-policy.ts'
import { routedPath } from '../../policy/request-path.ts'

export interface RateLimitOptions {
  perIpPerMinute: number
  loginPerIpPerMinute: number
  redis?: Redis | undefined
}

function isCredentialRequest(request: FastifyRequest): boolean {
  return isCredentialRoute(request.method, routedPath(request))
}

async function limits(app: FastifyInstance, options: RateLimitOptions): Promise<void> {
  if (options.perIpPerMinute === 0 && options.loginPerIpPerMinute === 0) return
  await app.register(rateLimit, {
    global: true,
    timeWindow: 60_000,
    max: (request) => (isCredentialRequest(request) ? options.loginPerIpPerMinute : options.perIpPerMinute),
    // Per client network: an IPv6 client rotating through its /64 is still one client.
    keyGenerator: (request) => `${isCredentialRequest(request) ? 'login' : 'ip'}:${clientNetwork(request.ip)}`,
    allowList: (request) => (isCredentialRequest(request) ? options.loginPerIpPerMinute : options.perIpPerMinute) === 0,
    ...(options.redis ? { redis: options.redis, nameSpace: 'portcullis-rate:', skipOnError: true } : {}),
    errorResponseBuilder: (_request, context) => Object.assign(new RateLimited(), { retryAfter: Math.ceil(context.ttl / 1000) }),
  })
}

export const rateLimitPlugin = fp(limits, { name: 'gateway-rate-limit', fastify: '5.x' })
