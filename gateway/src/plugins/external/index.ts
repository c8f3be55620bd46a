// The libraries the gateway is built on: security headers, the OpenAPI document, per-IP rate limits, and access-token
// verification (@fastify/jwt) against auth's JWKS with the revocation list on top.
import type { FastifyInstance } from 'fastify'
import { helmetPlugin } from '@portcullis/shared/plugins/external/helmet'
import { swaggerPlugin } from '@portcullis/shared/plugins/external/swagger'
import { type AccessTokenOptions, accessTokenVerifier } from '@portcullis/shared/tokens/verify'
import { type RateLimitOptions, rateLimitPlugin } from './rate-limit.ts'

export async function registerExternalPlugins(app: FastifyInstance, options: { rateLimits: RateLimitOptions; tokens: AccessTokenOptions }): Promise<void> {
  await app.register(helmetPlugin)
  await app.register(swaggerPlugin, { service: 'gateway' })
  await app.register(rateLimitPlugin, options.rateLimits)
  await app.register(accessTokenVerifier, options.tokens)
}
