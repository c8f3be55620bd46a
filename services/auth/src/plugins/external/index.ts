// The libraries auth is built on: security headers, the OpenAPI document, cookies (the refresh cookie), and JWT signing and
// verification with the key ring. Form bodies are the token endpoint's alone (app.ts).
import cookie from '@fastify/cookie'
import type { FastifyInstance } from 'fastify'
import { helmetPlugin } from '@portcullis/shared/plugins/external/helmet'
import { swaggerPlugin } from '@portcullis/shared/plugins/external/swagger'
import { jwtPlugin, type KeyRingJwtOptions } from './jwt.ts'

export async function registerExternalPlugins(app: FastifyInstance, options: KeyRingJwtOptions): Promise<void> {
  await app.register(helmetPlugin)
  await app.register(swaggerPlugin, { service: 'auth' })
  await app.register(cookie)
  await app.register(jwtPlugin, options)
}
