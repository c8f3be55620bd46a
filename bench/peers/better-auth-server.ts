// The peer of scenario 7: Better Auth with email and password on SQLite (better-sqlite3, Portcullis's own pragmas), served by node:http.
// Env: PORT, HOST, PEER_DATA_DIR, BETTER_AUTH_SECRET.
import { createServer } from 'node:http'
import path from 'node:path'
import { type BetterAuthOptions, betterAuth } from 'better-auth'
import { getMigrations } from 'better-auth/db/migration'
import { toNodeHandler } from 'better-auth/node'
import { loadPeerSettings } from '../settings.ts'
import { openSqliteFile } from '../workspace-modules.ts'

const { port, host, dataDir, secret } = loadPeerSettings()
if (!dataDir || !secret) throw new Error('better-auth-server needs PEER_DATA_DIR and BETTER_AUTH_SECRET')

const file = openSqliteFile(path.join(dataDir, 'better-auth.db'))
file.pragma('journal_mode = WAL')
file.pragma('synchronous = NORMAL')
file.pragma('busy_timeout = 5000')
file.pragma('foreign_keys = ON')

const options: BetterAuthOptions = {
  database: file as unknown as BetterAuthOptions['database'],
  baseURL: `http://127.0.0.1:${port}`,
  secret,
  emailAndPassword: { enabled: true },
  // Portcullis's gateway limits are off in the bench too: both sides serve one client address as fast as they can.
  rateLimit: { enabled: false },
  telemetry: { enabled: false },
  logger: { level: 'error' },
}
const { runMigrations } = await getMigrations(options)
await runMigrations()
const auth = betterAuth(options)
const handler = toNodeHandler(auth)

const server = createServer((request, response) => {
  if (request.url === '/readyz') {
    response.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ready"}')
    return
  }
  void handler(request, response)
})
server.keepAliveTimeout = 30_000
server.listen(port, host)
process.once('SIGTERM', () => {
  server.close(() => {
    file.close()
    process.exit(0)
  })
  server.closeAllConnections()
})
