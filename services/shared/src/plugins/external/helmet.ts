// Security headers on every answer: helmet's set, written out once and applied in one onSend hook. @fastify/helmet built
// the same headers again for every request (14.8 µs each, issue 17); test/plugins/helmet.test.ts checks this set against
// what @fastify/helmet answers with the options we gave it (its defaults, the CSP without upgrade-insecure-requests: TLS
// and its upgrade rule belong to Nginx in front, and the local stack on http://localhost must load its own assets).
import type { FastifyInstance, FastifyReply, FastifyRequest, onSendHookHandler } from 'fastify'
import fp from 'fastify-plugin'

export const CONTENT_SECURITY_POLICY =
  "default-src 'self';base-uri 'self';font-src 'self' https: data:;form-action 'self';frame-ancestors 'self';img-src 'self' data:;" +
  "object-src 'none';script-src 'self';script-src-attr 'none';style-src 'self' https: 'unsafe-inline'"

/** Every header but the Content-Security-Policy, as helmet 8 sets them by default. */
const BASE_HEADERS: Readonly<Record<string, string>> = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'origin-agent-cluster': '?1',
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-dns-prefetch-control': 'off',
  'x-download-options': 'noopen',
  'x-frame-options': 'SAMEORIGIN',
  'x-permitted-cross-domain-policies': 'none',
  'x-xss-protection': '0',
}

export const SECURITY_HEADERS: Readonly<Record<string, string>> = { 'content-security-policy': CONTENT_SECURITY_POLICY, ...BASE_HEADERS }
export const SECURITY_HEADERS_WITHOUT_CSP = BASE_HEADERS

/**
 * A route's own choice (its `config`): `without-csp` for pages whose inline script or cross-site form the CSP would block
 * (the OpenID Connect provider's, at the gateway).
 */
export interface SecurityHeadersRouteConfig {
  securityHeaders?: 'without-csp'
}

/** Replies of routes that asked for no CSP, marked by their own onRequest hook (the one global hook stays cheap for the rest). */
const withoutCsp = new WeakSet<FastifyReply>()

/**
 * Each header the answer does not carry already: what the route or a proxied service set stays, as with helmet (which wrote
 * its headers first, under the reply's own). A proxied answer of a service that sets these itself gets nothing added.
 */
const applySecurityHeaders: onSendHookHandler = (_request, reply, payload, done) => {
  const headers = withoutCsp.has(reply) ? BASE_HEADERS : SECURITY_HEADERS
  for (const name in headers) if (!reply.hasHeader(name)) reply.header(name, headers[name])
  done(null, payload)
}

function markWithoutCsp(_request: FastifyRequest, reply: FastifyReply, done: () => void): void {
  withoutCsp.add(reply)
  done()
}

async function securityHeaders(app: FastifyInstance): Promise<void> {
  app.addHook('onRoute', (route) => {
    if ((route.config as SecurityHeadersRouteConfig | undefined)?.securityHeaders !== 'without-csp') return
    const own = route.onRequest
    route.onRequest = own === undefined ? [markWithoutCsp] : [...(Array.isArray(own) ? own : [own]), markWithoutCsp]
  })
  app.addHook('onSend', applySecurityHeaders)
}

export const helmetPlugin = fp(securityHeaders, { name: 'portcullis-helmet', fastify: '5.x' })
