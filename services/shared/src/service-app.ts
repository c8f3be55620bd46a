// The Fastify instance every Portcullis process starts from: logging, request ids, limits, validation, errors, draining,
// health. Each service's app.ts then registers its plugins/external (helmet, swagger, jwt...), its plugins/app and its routes.
import Fastify, { type FastifyInstance } from 'fastify'
import type { CommonConfig } from './settings/common.ts'
import { createManagementApp, type ReadinessCheck, requestMetrics } from './health.ts'
import { newId } from './ids.ts'
import { loggerOptions } from './logger.ts'
import { clientErrorProblem, frameworkErrorProblem, problemDetails } from './problem.ts'
import { OneLineRequestLog } from './request-log.ts'
import { validatorCompiler } from './validation.ts'

export interface ServiceAppOptions {
  config: Pick<CommonConfig, 'logLevel' | 'logFormat' | 'bodyLimit' | 'trustProxy'>
  service: string
  readiness: Record<string, ReadinessCheck>
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/

declare module 'fastify' {
  interface FastifyInstance {
    /** Starts the drain before a shutdown: /readyz says 503 so balancers stop sending, and every answer closes its connection. */
    startDraining(): void
    /** /healthz, /readyz and /metrics of this process, served on MANAGEMENT_PORT (runService listens on it); closed with the app. */
    management: FastifyInstance
  }
}

export async function createServiceApp(options: ServiceAppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: loggerOptions(options.config.logLevel, options.service, options.config.logFormat),
    bodyLimit: options.config.bodyLimit,
    trustProxy: options.config.trustProxy,
    requestIdHeader: false,
    genReqId: (request) => {
      const sent = request.headers['x-request-id']
      return typeof sent === 'string' && REQUEST_ID.test(sent) ? sent : newId()
    },
    // Requests that still arrive while the server closes are served (with Connection: close), not refused: see startDraining.
    return503OnClosing: false,
    forceCloseConnections: 'idle',
    routerOptions: { maxParamLength: 200 },
    clientErrorHandler: clientErrorProblem,
    frameworkErrors: frameworkErrorProblem,
    // One line per request, written when it is answered, instead of Fastify's two; BENCHMARKS.md measured the cost.
    logController: new OneLineRequestLog(),
  })
  app.setValidatorCompiler(validatorCompiler)
  // The API speaks JSON only; other bodies get 415.
  app.removeContentTypeParser('text/plain')
  let draining = false
  app.decorate('startDraining', () => {
    draining = true
  })
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', String(request.id))
    // No keep-alive connection outlives the drain: a client reusing an idle one as the server closes it would lose a request.
    if (draining) reply.header('connection', 'close')
  })
  await app.register(problemDetails)
  const management = await createManagementApp({
    service: options.service,
    checks: options.readiness,
    draining: () => draining,
    logger: app.log,
    metrics: requestMetrics(app, options.service),
  })
  app.decorate('management', management)
  app.addHook('onClose', async () => management.close())
  return app
}
