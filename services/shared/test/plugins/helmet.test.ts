// The security headers, written out once, are the ones @fastify/helmet answered with for the options we gave it: on a route,
// a 404 and an error, without the CSP where a route asks, and under whatever the route set itself.
import helmet from '@fastify/helmet'
import Fastify, { type FastifyInstance } from 'fastify'
import t from 'tap'
import { helmetPlugin, SECURITY_HEADERS } from '../../src/plugins/external/helmet.ts'

const SECURITY = /^(content-security-policy|cross-origin-|origin-agent-cluster|referrer-policy|strict-transport-security|x-)/

async function withRoutes(register: (app: FastifyInstance) => Promise<void>, routeOption: 'helmet' | 'securityHeaders'): Promise<FastifyInstance> {
  const app = Fastify()
  await register(app)
  app.get('/page', async () => ({ ok: true }))
  app.get('/own', async (_request, reply) => reply.header('x-frame-options', 'DENY').send({ ok: true }))
  app.get('/fails', async () => {
    throw new Error('broken')
  })
  const noCsp: Record<string, unknown> = routeOption === 'helmet' ? { helmet: { contentSecurityPolicy: false } } : { securityHeaders: 'without-csp' }
  app.get('/provider', { config: noCsp }, async () => 'page')
  return app
}

function securityHeadersOf(headers: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => SECURITY.test(name) && name !== 'x-request-id'))
}

t.test('the same headers as @fastify/helmet with the options it had', async (t) => {
  const before = await withRoutes(async (app) => {
    await app.register(helmet, { global: true, contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } })
  }, 'helmet')
  const now = await withRoutes(async (app) => {
    await app.register(helmetPlugin)
  }, 'securityHeaders')
  t.teardown(() => Promise.all([before.close(), now.close()]))
  for (const url of ['/page', '/own', '/fails', '/provider', '/nowhere']) {
    const [a, b] = await Promise.all([before.inject({ url }), now.inject({ url })])
    t.equal(b.statusCode, a.statusCode, url)
    t.same(securityHeadersOf(b.headers), securityHeadersOf(a.headers), `${url}: the same security headers`)
  }
  t.equal((await now.inject({ url: '/own' })).headers['x-frame-options'], 'DENY', "a route's own header stays")
  t.notOk((await now.inject({ url: '/provider' })).headers['content-security-policy'], 'no CSP where the route asks')
  t.same(securityHeadersOf((await now.inject({ url: '/page' })).headers), SECURITY_HEADERS)
})
