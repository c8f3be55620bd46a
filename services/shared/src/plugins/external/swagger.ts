// The OpenAPI document of a service, built from its route schemas (@fastify/swagger) and served at /openapi.json; the
// gateway merges them all at /docs.
import swagger from '@fastify/swagger'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

export interface OpenApiOptions {
  /** auth, user, admin: the document's title. */
  service: string
}

async function openApi(app: FastifyInstance, options: OpenApiOptions): Promise<void> {
  await app.register(swagger, {
    openapi: {
      info: { title: `Portcullis ${options.service}`, version: '0.1.0' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    },
    hideUntagged: true,
  })
  app.get('/openapi.json', { schema: { hide: true }, logLevel: 'warn' }, async () => app.swagger())
}

export const swaggerPlugin = fp(openApi, { name: 'portcullis-swagger', fastify: '5.x' })
