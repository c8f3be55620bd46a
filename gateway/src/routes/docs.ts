// One OpenAPI page for the whole API at /docs, merged from the documents each service builds from its route schemas.
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance } from 'fastify'
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

  // @fastify/swagger is registered by plugins/external; the UI serves the merged document in its place.
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    transformSpecification: () => current,
    transformSpecificationClone: false,
    uiHooks: {
      onRequest: async (request) => {
        if (request.url.startsWith('/docs/json') && Object.keys(current.paths ?? {}).length === 0) await refresh()
      },
    },
  })
}

export const docsRoute = fp(docs, { name: 'gateway-docs', fastify: '5.x', dependencies: ['gateway-context'] })
