// Hands the provider's paths (/oidc/* and discovery) to oidc-provider's own Node handler, inside the Fastify app: Fastify
// neither parses their bodies (oidc-provider reads the request itself) nor answers them.
import type { FastifyInstance } from 'fastify'
import type Provider from 'oidc-provider'
import { DISCOVERY_PATH, OIDC_PREFIX } from './routes.ts'

export async function mountProvider(app: FastifyInstance, provider: Provider): Promise<void> {
  const handle = provider.callback()
  await app.register(async (scope) => {
    // Every body is left unread in the request stream for oidc-provider (form posts to /oidc/token, JSON, anything).
    scope.removeAllContentTypeParsers()
    scope.addContentTypeParser('*', (_request, _payload, done) => done(null))
    const handler = (request: import('fastify').FastifyRequest, reply: import('fastify').FastifyReply) => {
      reply.hijack()
      reply.raw.setHeader('x-request-id', String(request.id))
      handle(request.raw, reply.raw)
    }
    scope.all(DISCOVERY_PATH, handler)
    scope.all(OIDC_PREFIX, handler)
    scope.all(`${OIDC_PREFIX}/*`, handler)
  })
}
