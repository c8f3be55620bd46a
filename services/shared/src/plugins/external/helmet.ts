// Security headers on every answer (@fastify/helmet). TLS and its upgrade rule belong to Nginx in front; the local stack on
// http://localhost must load its own assets.
import helmet from '@fastify/helmet'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

async function securityHeaders(app: FastifyInstance): Promise<void> {
  await app.register(helmet, { global: true, contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } })
}

export const helmetPlugin = fp(securityHeaders, { name: 'portcullis-helmet', fastify: '5.x' })
