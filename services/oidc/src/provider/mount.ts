// Hands the provider's paths (/oidc/* and discovery) to oidc-provider's own Node handler, inside the Fastify app: Fastify
// neither parses their bodies (oidc-provider reads the request itself) nor answers them. The provider is asked for on every
// request, so that one rebuilt with new keys (provider/current-provider.ts) takes the next request. oidc-provider builds its
// URLs (discovery's endpoints, redirects, cookies' Secure) from the request's host and scheme: they are set to the issuer's
// (PUBLIC_URL) before it sees the request, so no Host or X-Forwarded-Host a client sends can make it name another origin.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type Provider from 'oidc-provider'
import { DISCOVERY_PATH, OIDC_PREFIX } from './routes.ts'

export async function mountProvider(app: FastifyInstance, current: () => Provider, issuer: string): Promise<void> {
  const { host, protocol } = new URL(issuer)
  const scheme = protocol.slice(0, -1)
  const handlers = new WeakMap<Provider, ReturnType<Provider['callback']>>()
  const handlerOf = (provider: Provider) => {
    let handler = handlers.get(provider)
    if (!handler) {
      handler = provider.callback()
      handlers.set(provider, handler)
    }
    return handler
  }
  await app.register(async (scope) => {
    // Every body is left unread in the request stream for oidc-provider (form posts to /oidc/token, JSON, anything).
    scope.removeAllContentTypeParsers()
    scope.addContentTypeParser('*', (_request, _payload, done) => done(null))
    const handler = (request: FastifyRequest, reply: FastifyReply) => {
      request.raw.headers.host = host
      request.raw.headers['x-forwarded-host'] = host
      request.raw.headers['x-forwarded-proto'] = scheme
      reply.hijack()
      reply.raw.setHeader('x-request-id', String(request.id))
      handlerOf(current())(request.raw, reply.raw)
    }
    scope.all(DISCOVERY_PATH, handler)
    scope.all(OIDC_PREFIX, handler)
    scope.all(`${OIDC_PREFIX}/*`, handler)
  })
}
