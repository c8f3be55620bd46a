// The libraries the user service is built on: security headers, the OpenAPI document, and access-token verification
// (@fastify/jwt) against auth's JWKS.
import type { FastifyInstance } from 'fastify'
import { helmetPlugin } from '@portcullis/shared/plugins/external/helmet'
import { swaggerPlugin } from '@portcullis/shared/plugins/external/swagger'
import { type AccessTokenOptions, accessTokenVerifier } from '@portcullis/shared/tokens/verify'

export async function registerExternalPlugins(app: FastifyInstance, tokens: AccessTokenOptions): Promise<void> {
  await app.register(helmetPlugin)
  await app.register(swaggerPlugin, { service: 'user' })
  await app.register(accessTokenVerifier, tokens)
}
