// One OpenAPI page for the whole API at /docs, merged from the documents each service builds from its route schemas. The
// page itself (@fastify/swagger-ui, its static files) is loaded the first time /docs is asked, not in every gateway at start.
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { UpstreamPool } from '../upstreams/pool.ts'
import type {} from '../plugins/app/context.ts'

interface OpenApiDocument {
  openapi?: string
  info?: Record<string, unknown>
  paths?: Record<string, unknown>
  components?: Record<string, Record<string, unknown>>
  [key: string]: unknown
}

export interface DocsOptions {
  /** How often the services' documents are fetched again; 30 s by default. */
  refreshMs?: number
}

async function fetchDocument(pool: UpstreamPool): Promise<OpenApiDocument | undefined> {
  const upstream = pool.pick()
  if (!upstream) return undefined
  try {
    const res = await fetch(`${upstream}/openapi.json`, { signal: AbortSignal.timeout(2000) })
    return res.ok ? ((await res.json()) as OpenApiDocument) : undefined
  } catch {
    return undefined
  }
}

export function mergeDocuments(documents: OpenApiDocument[]): OpenApiDocument {
  const merged: OpenApiDocument = {
    openapi: '3.0.3',
    info: { title: 'Portcullis API', version: '0.1.0', description: 'Every public route, through the gateway.' },
    paths: {},
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
  }
  for (const document of documents) {
    Object.assign(merged.paths ?? {}, Object.fromEntries(Object.entries(document.paths ?? {}).filter(([path]) => !path.startsWith('/internal'))))
    for (const [section, entries] of Object.entries(document.components ?? {})) {
      merged.components ??= {}
      merged.components[section] = { ...(merged.components[section] ?? {}), ...entries }
    }
  }
  return merged
}

async function docs(app: FastifyInstance, options: DocsOptions): Promise<void> {
  let current = mergeDocuments([])
  async function refresh(): Promise<void> {
    const documents = await Promise.all(Object.values(app.upstreams).map(fetchDocument))
    current = mergeDocuments(documents.filter((d): d is OpenApiDocument => d !== undefined))
  }
  const timer = setInterval(() => void refresh(), options.refreshMs ?? 30_000)
  timer.unref()
  app.addHook('onReady', async () => {
    void refresh()
  })
  app.addHook('onClose', async () => clearInterval(timer))

  // The UI serves the merged document (transformSpecification), never a document of the gateway's own routes; it lives in an
  // instance of its own, made on the first request, because a Fastify instance takes no routes once it has started.
  let page: Promise<FastifyInstance> | undefined
  const buildPage = async (): Promise<FastifyInstance> => {
    const { default: swaggerUi } = await import('@fastify/swagger-ui')
    const ui = Fastify()
    // What @fastify/swagger-ui asks of @fastify/swagger: a swagger() decorator, under that plugin's name.
    await ui.register(
      fp(
        async (instance) => {
          instance.decorate('swagger', () => current)
        },
        { name: '@fastify/swagger', fastify: '5.x' },
      ),
    )
    await ui.register(swaggerUi, {
      routePrefix: '/docs',
      transformSpecification: () => current,
      transformSpecificationClone: false,
    })
    await ui.ready()
    return ui
  }
  app.addHook('onClose', async () => {
    await (await page?.catch(() => undefined))?.close()
  })
  const serve = async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.url.startsWith('/docs/json') && Object.keys(current.paths ?? {}).length === 0) await refresh()
    page ??= buildPage().catch((error: unknown) => {
      page = undefined
      throw error
    })
    const answer = await (await page).inject({ method: request.method as 'GET', url: request.url, headers: { accept: request.headers.accept ?? '*/*' } })
    // Not one of the page's files: the gateway's own 404, a problem like every other.
    if (answer.statusCode === 404) return reply.callNotFound()
    for (const [name, value] of Object.entries(answer.headers)) {
      if (value !== undefined && !['connection', 'content-length', 'transfer-encoding', 'keep-alive', 'date'].includes(name)) reply.header(name, value)
    }
    return reply.code(answer.statusCode).send(answer.rawPayload)
  }
  app.get('/docs', serve)
  app.get('/docs/*', serve)
}

export const docsRoute = fp(docs, { name: 'gateway-docs', fastify: '5.x', dependencies: ['gateway-context'] })
