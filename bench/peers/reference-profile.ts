// What GET /user/profile costs at the least with our stack's pieces, for scenario 1: Fastify, one prepared better-sqlite3
// statement on the bench stack's own database file, and the user service's response schema and shaping. No token check, no
// session lookup, no logging: the user service divided by this is what its own work costs. Env: PORT, HOST, PEER_DATA_DIR
// (the stack's DATA_DIR), PROFILE_USER_ID.
import Fastify from 'fastify'
import { ProfileResponse } from '@portcullis/shared/api/user'
import type { User } from '@portcullis/shared/db/schema'
import { sqliteFile } from '@portcullis/shared/db/handle'
import { toPublicUser } from '@portcullis/shared/users/public-user'
import { loadPeerSettings } from '../settings.ts'
import { openSqliteFile } from '../workspace-modules.ts'

const { port, host, dataDir, userId } = loadPeerSettings()
if (!dataDir || !userId) throw new Error('reference-profile needs PEER_DATA_DIR and PROFILE_USER_ID')
const file = openSqliteFile(sqliteFile(dataDir))
file.pragma('busy_timeout = 5000')
const byId = file.prepare('SELECT * FROM users WHERE id = ?')

const app = Fastify({ logger: false })
app.get('/readyz', async () => ({ status: 'ready' }))
app.get('/user/profile', { schema: { response: { 200: ProfileResponse } } }, async () => toPublicUser(byId.get(userId) as User))
await app.listen({ port, host })
process.once('SIGTERM', () => {
  app.close().then(() => {
    file.close()
    process.exit(0)
  })
})
