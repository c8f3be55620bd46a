// A stand-in service instance that answers every request with what it received, and counts them.
import Fastify, { type FastifyInstance } from 'fastify'

export interface EchoUpstream {
  url: string
  hits(): number
  app: FastifyInstance
  close(): Promise<void>
}

export async function startEchoUpstream(name: string): Promise<EchoUpstream> {
  let hits = 0
  const app = Fastify()
  app.get('/readyz', async () => ({ status: 'ready' }))
  app.all('/*', async (request) => {
    hits++
    return { upstream: name, method: request.method, url: request.url, headers: request.headers, body: request.body ?? null }
  })
  const url = await app.listen({ port: 0, host: '127.0.0.1' })
  return { url, app, hits: () => hits, close: () => app.close() }
}
