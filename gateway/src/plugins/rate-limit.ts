// Per-IP request limits: one for everything, a tighter one for login and signup; shared through Redis when REDIS_URL is set.
import rateLimit from '@fastify/rate-limit'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { Redis } from 'ioredis'
import { RateLimited } from '@portcullis/shared/errors'

export interface RateLimitOptions {
  perIpPerMinute: number
  loginPerIpPerMinute: number
  redis?: Redis | undefined
}

const CREDENTIAL_ROUTES = new Set(['/auth/login', '/auth/signup'])

function isCredentialRoute(request: FastifyRequest): boolean {
  return request.method === 'POST' && CREDENTIAL_ROUTES.has((request.url.split('?', 1)[0] ?? '').replace(/\/+$/, ''))
}

const UNLIMITED_PATHS = new Set(['/healthz', '/readyz', '/metrics'])

async function limits(app: FastifyInstance, options: RateLimitOptions): Promise<void> {
  if (options.perIpPerMinute === 0 && options.loginPerIpPerMinute === 0) return
  await app.register(rateLimit, {
    global: true,
    timeWindow: 60_000,
    max: (request) => (isCredentialRoute(request) ? options.loginPerIpPerMinute : options.perIpPerMinute),
    keyGenerator: (request) => (isCredentialRoute(request) ? `login:${request.ip}` : `ip:${request.ip}`),
    allowList: (request) => {
      if (UNLIMITED_PATHS.has(request.url)) return true
      return (isCredentialRoute(request) ? options.loginPerIpPerMinute : options.perIpPerMinute) === 0
    },
    ...(options.redis ? { redis: options.redis, nameSpace: 'portcullis-rate:', skipOnError: true } : {}),
    errorResponseBuilder: (_request, context) => Object.assign(new RateLimited(), { retryAfter: Math.ceil(context.ttl / 1000) }),
  })
}

export const rateLimitPlugin = fp(limits, { name: 'gateway-rate-limit', fastify: '5.x' })
