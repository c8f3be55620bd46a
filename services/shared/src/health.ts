// /healthz (alive), /readyz (can serve) and Prometheus /metrics for one process; never routed publicly.
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client'
import { sendProblem } from './problem.ts'

export type ReadinessCheck = () => Promise<void>

export interface HealthOptions {
  service: string
  checks: Record<string, ReadinessCheck>
  /** True once the process is shutting down: it still serves, but balancers must stop sending to it. */
  draining?: () => boolean
}

declare module 'fastify' {
  interface FastifyInstance {
    metrics: Registry
  }
}

const CHECK_TIMEOUT_MS = 2000

async function runCheck(check: ReadinessCheck): Promise<string | null> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve('timed out'), CHECK_TIMEOUT_MS)
  })
  try {
    return await Promise.race([check().then(() => null), timeout])
  } catch (error) {
    return error instanceof Error ? error.name : 'failed'
  } finally {
    clearTimeout(timer)
  }
}

async function healthPlugin(app: FastifyInstance, options: HealthOptions): Promise<void> {
  const registry = new Registry()
  registry.setDefaultLabels({ service: options.service })
  collectDefaultMetrics({ register: registry })
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time to answer HTTP requests',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  })
  const total = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  })
  app.decorate('metrics', registry)

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched'
    if (route === '/metrics' || route === '/healthz' || route === '/readyz') return
    const labels = { method: request.method, route, status: String(reply.statusCode) }
    duration.observe(labels, reply.elapsedTime / 1000)
    total.inc(labels)
  })

  app.get('/healthz', { logLevel: 'warn' }, async () => ({ status: 'ok', service: options.service }))

  app.get('/readyz', { logLevel: 'warn' }, async (request, reply) => {
    if (options.draining?.()) return sendProblem(request, reply, 503, 'not_ready', 'Not ready: shutting down')
    const results = await Promise.all(
      Object.entries(options.checks).map(async ([name, check]) => [name, await runCheck(check)] as const),
    )
    const failing = results.filter(([, problem]) => problem !== null)
    if (failing.length > 0) {
      return sendProblem(request, reply, 503, 'not_ready', `Not ready: ${failing.map(([name, why]) => `${name} ${why}`).join(', ')}`)
    }
    return { status: 'ready', service: options.service, checks: Object.fromEntries(results.map(([name]) => [name, 'ok'])) }
  })

  app.get('/metrics', { logLevel: 'warn' }, async (_request, reply) => {
    reply.type(registry.contentType)
    return registry.metrics()
  })
}

export const health = fp(healthPlugin, { name: 'portcullis-health', fastify: '5.x' })
