// A stand-in for a service under the supervisor: /healthz (with its pid) and /readyz on MANAGEMENT_PORT, or an exit with
// FAKE_EXIT_CODE at once, as a service with a configuration error does.
import { createServer } from 'node:http'
import { fakeServiceSettings } from './settings.ts'

const { exitCode, managementPort } = fakeServiceSettings()
if (exitCode !== undefined) process.exit(exitCode)
createServer((request, response) => {
  response.setHeader('content-type', 'application/json')
  if (request.url === '/healthz') return response.end(JSON.stringify({ status: 'ok', service: 'fake', pid: process.pid }))
  if (request.url === '/readyz') return response.end(JSON.stringify({ status: 'ready' }))
  response.statusCode = 404
  response.end('{}')
}).listen(managementPort, '127.0.0.1')
process.on('SIGTERM', () => process.exit(0))
