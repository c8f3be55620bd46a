// GET /auth/.well-known/jwks.json: the public keys that verify access tokens, current and recently retired.
import type { FastifyInstance } from 'fastify'
import { JwksResponse } from '@portcullis/shared/api/auth'

export async function jwksRoute(app: FastifyInstance): Promise<void> {
  app.get(
    '/auth/.well-known/jwks.json',
    { schema: { tags: ['auth'], summary: 'Public signing keys', response: { 200: JwksResponse } } },
    async (_request, reply) => {
      reply.header('cache-control', 'public, max-age=60')
      return app.keyRing.jwks()
    },
  )
}
