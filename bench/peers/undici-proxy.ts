// The least a proxy does, for scenario 1: node:http in front of one user instance through an undici Pool with the gateway's
// settings (128 connections, keep-alive 30 s), headers passed as they are but the hop-by-hop ones. No Fastify, no hooks,
// no logging: what is left of the gateway's cost when it is gone. Env: PORT, HOST, UPSTREAM.
import { createServer, type IncomingHttpHeaders } from 'node:http'
import { loadPeerSettings } from '../settings.ts'
import { loadUndiciPool } from '../workspace-modules.ts'

const { port, host, upstream } = loadPeerSettings()
if (!upstream) throw new Error('undici-proxy needs UPSTREAM')
const Pool = loadUndiciPool()
const pool = new Pool(upstream, { connections: 128, pipelining: 1, keepAliveTimeout: 30_000 })

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection', 'te', 'trailer'])

function endToEnd(headers: IncomingHttpHeaders | Record<string, string | string[] | undefined>): Record<string, string | string[] | undefined> {
  const out: Record<string, string | string[] | undefined> = {}
  for (const name in headers) if (!HOP_BY_HOP.has(name)) out[name] = headers[name]
  return out
}

const server = createServer((request, response) => {
  if (request.url === '/readyz') {
    response.end('{"status":"ready"}')
    return
  }
  const hasBody = request.method !== 'GET' && request.method !== 'HEAD'
  pool.request({ path: request.url ?? '/', method: request.method ?? 'GET', headers: endToEnd(request.headers), body: hasBody ? request : null }).then(
    (answer) => {
      response.writeHead(answer.statusCode, endToEnd(answer.headers))
      answer.body.pipe(response)
    },
    () => {
      response.statusCode = 502
      response.end()
    },
  )
})
server.keepAliveTimeout = 30_000
server.listen(port, host)
process.once('SIGTERM', () => {
  server.close(() => pool.close().then(() => process.exit(0)))
  server.closeIdleConnections()
})
