// The management side of one process: /healthz (alive), /readyz (can serve) and Prometheus /metrics, on MANAGEMENT_PORT only.
// The public port never answers them (Keycloak's port 9000, Kratos' admin port): probes, scrapers and the gateway's balancer
// reach this app, the internet never does.
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client'
import { OneLineRequestLog } from './request-log.ts'
import { NotReady, type ProblemFactory } from './errors.ts'
import { clientErrorProblem, frameworkErrorProblem, problemDetails, sendProblem, withDetail } from './problem.ts'

/** What GET /readyz on the management port answers when the process should get no traffic. */
export const READINESS_PROBLEMS: readonly ProblemFactory[] = [NotReady]

export type ReadinessCheck = () => Promise<void>

export interface ManagementOptions {
  service: string
  checks: Record<string, ReadinessCheck>
  /** True once the process is shutting down: it still serves, but balancers must stop sending to it. */
  draining: () => boolean
  logger: FastifyBaseLogger
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

/** Counts every answer of the public app into a registry that the management app serves at /metrics. */
export function requestMetrics(publicApp: FastifyInstance, service: string): Registry {
  const registry = new Registry()
  registry.setDefaultLabels({ service })
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
  publicApp.addHook('onResponse', async (request, reply) => {
    const labels = { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) }
    duration.observe(labels, reply.elapsedTime / 1000)
    total.inc(labels)
  })
  return registry
}

/** The management app of a process: its own Fastify instance, listened on by runService at MANAGEMENT_PORT. */
export async function createManagementApp(options: ManagementOptions & { metrics: Registry }): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: options.logger.child({ port: 'management' }),
    // Probes and scrapes arrive every second or so: their lines are written at warn, so the info log stays the traffic's.
    logController: new OneLineRequestLog(),
    clientErrorHandler: clientErrorProblem,
    frameworkErrors: frameworkErrorProblem,
    return503OnClosing: false,
    forceCloseConnections: 'idle',
  })
  await app.register(problemDetails)

  // The pid lets a supervisor tell its own child from another process that answers on the same port.
  app.get('/healthz', { logLevel: 'warn' }, async () => ({ status: 'ok', service: options.service, pid: process.pid }))

  app.get('/readyz', { logLevel: 'warn' }, async (request, reply) => {
    if (options.draining()) return sendProblem(request, reply, withDetail(new NotReady(), 'Not ready: shutting down'))
    const results = await Promise.all(Object.entries(options.checks).map(async ([name, check]) => [name, await runCheck(check)] as const))
    const failing = results.filter(([, problem]) => problem !== null)
    if (failing.length > 0) {
      return sendProblem(request, reply, withDetail(new NotReady(), `Not ready: ${failing.map(([name, why]) => `${name} ${why}`).join(', ')}`))
    }
    return { status: 'ready', service: options.service, checks: Object.fromEntries(results.map(([name]) => [name, 'ok'])) }
  })

  app.get('/metrics', { logLevel: 'warn' }, async (_request, reply) => {
    reply.type(options.metrics.contentType)
    return options.metrics.metrics()
  })
  return app
}
