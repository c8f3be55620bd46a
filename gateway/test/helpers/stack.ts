// The whole back end as real processes on free ports: auth, N user instances, admin and a gateway, on one test database.
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { DatabaseKind } from '@portcullis/shared/db/connect'
import { createTestDatabase, type TestDatabase } from '@portcullis/shared/testing/databases'
import { type RunningProcess, startService } from '@portcullis/shared/testing/processes'
import { freePort } from '@portcullis/shared/net/free-port'
import { provisionServiceClient } from '@portcullis/auth/clients/service-clients'
import { TEST_ENV } from '@portcullis/auth/test/helpers/auth-app'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')
const server = (relative: string) => path.join(root, relative)

export interface TestStack {
  url: string
  database: TestDatabase
  auth: RunningProcess
  users: RunningProcess[]
  admin: RunningProcess
  gateway: RunningProcess
}

interface Teardown {
  teardown(fn: () => unknown): void
}

export async function startTestStack(t: Teardown, kind: DatabaseKind, options: { userInstances?: number; env?: Record<string, string> } = {}): Promise<TestStack> {
  const database = await createTestDatabase(kind)
  t.teardown(() => database.drop())
  const db = database.handle.db
  const now = Date.now()
  const clients = {
    user: await provisionServiceClient(db, 'user-service', ['sessions:revoke'], now),
    admin: await provisionServiceClient(db, 'admin-service', ['sessions:revoke'], now),
    gateway: await provisionServiceClient(db, 'gateway', ['revocations:read'], now),
  }
  const authPort = await freePort()
  const authUrl = `http://127.0.0.1:${authPort}`
  const base = { ...TEST_ENV, LOG_LEVEL: 'warn', ...database.env, AUTH_URL: authUrl, TRUST_PROXY: '127.0.0.1', ...options.env }
  const started: RunningProcess[] = []
  t.teardown(async () => {
    for (const running of started.reverse()) await running.stop('SIGKILL')
  })
  const start = async (script: string, env: Record<string, string>) => {
    const running = await startService(server(script), env, { timeoutMs: 60_000 })
    started.push(running)
    return running
  }
  const auth = await start('services/auth/src/server.ts', { ...base, PORT: String(authPort) })
  const users: RunningProcess[] = []
  for (let i = 0; i < (options.userInstances ?? 1); i++) {
    users.push(await start('services/user/src/server.ts', { ...base, SERVICE_CLIENT_ID: clients.user.clientId, SERVICE_CLIENT_SECRET: clients.user.clientSecret }))
  }
  const admin = await start('services/admin/src/server.ts', { ...base, SERVICE_CLIENT_ID: clients.admin.clientId, SERVICE_CLIENT_SECRET: clients.admin.clientSecret })
  const gateway = await start('gateway/src/server.ts', {
    ...base,
    TRUST_PROXY: '',
    AUTH_UPSTREAMS: auth.url,
    USER_UPSTREAMS: users.map((u) => u.url).join(','),
    ADMIN_UPSTREAMS: admin.url,
    SERVICE_CLIENT_ID: clients.gateway.clientId,
    SERVICE_CLIENT_SECRET: clients.gateway.clientSecret,
    REVOCATION_POLL_MS: '500',
    RATE_LIMIT_PER_IP: '0',
    LOGIN_LIMIT_PER_IP: '0',
  })
  return { url: gateway.url, database, auth, users, admin, gateway }
}
