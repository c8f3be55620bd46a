// A stand-in service instance that answers every request with what it received, and counts them.
import Fastify, { type FastifyInstance } from 'fastify'

export interface EchoUpstream {
  url: string
  /** As *_UPSTREAMS names it: this stand-in answers /readyz on its one port. */
  upstream: string
  hits(): number
  /** Whether a request asked it to drain (x-echo-connection: close); undrain() makes it ready again. */
  draining(): boolean
  undrain(): void
  app: FastifyInstance
  close(): Promise<void>
}

export async function startEchoUpstream(name: string): Promise<EchoUpstream> {
  let hits = 0
  let draining = false
  const app = Fastify()
  app.get('/readyz', async (_request, reply) => (draining ? reply.code(503).send({ status: 'draining' }) : { status: 'ready' }))
  app.all('/*', async (request, reply) => {
    hits++
    // What a draining Portcullis service does: /readyz says 503, and each answer closes its connection.
    if (request.headers['x-echo-connection'] === 'close') draining = true
    if (draining) reply.header('connection', 'close')
    return { upstream: name, method: request.method, url: request.url, headers: request.headers, body: request.body ?? null }
  })
  const url = await app.listen({ port: 0, host: '127.0.0.1' })
  return {
    url,
    upstream: `${url}|${url}`,
    app,
    hits: () => hits,
    draining: () => draining,
    undrain: () => {
      draining = false
    },
    close: () => app.close(),
  }
}
