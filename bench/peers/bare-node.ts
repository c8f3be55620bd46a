// The floor of scenario 1: node:http answering a small JSON body on any path, nothing else. What one process on this machine
// serves at all under the same load generator, for the ratios of everything above it. Env: PORT, HOST.
import { createServer } from 'node:http'
import { loadPeerSettings } from '../settings.ts'

const { port, host } = loadPeerSettings()
const body = Buffer.from(JSON.stringify({ id: '0190f0a2-7a8e-7c3d-9b1a-2f1c0d4e5f60', username: 'bench', role: 'user', status: 'active' }))
const server = createServer((_request, response) => {
  response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length })
  response.end(body)
})
server.keepAliveTimeout = 30_000
server.listen(port, host)
process.once('SIGTERM', () => {
  server.close(() => process.exit(0))
  server.closeIdleConnections()
})
