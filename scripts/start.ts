// pnpm start: prepares the embedded (or MySQL) database, then runs auth, user, admin and the gateway, each as its own process.
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { provisionServiceClient } from '@portcullis/auth/clients/service-clients'
import { bootstrapStack } from '@portcullis/auth/bootstrap'
import { ConfigError, loadConfig } from '@portcullis/shared/config'
import { connectDatabase } from '@portcullis/shared/db/connect'
import { freePort } from '@portcullis/shared/net/free-port'
import { createSupervisor } from './stack/supervisor.ts'
import { ensureWebBuild } from './stack/web-build.ts'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const script = (relative: string) => path.join(root, relative)

async function main(): Promise<void> {
  const config = loadConfig()
  const database = connectDatabase(config)
  let clients: Record<'user' | 'admin' | 'gateway', { clientId: string; clientSecret: string }>
  try {
    const result = await bootstrapStack(config, database)
    if (result.migrations.length > 0) console.log(`portcullis: migrated ${database.kind} database (${result.migrations.join(', ')})`)
    if (result.admin.generatedPassword) {
      console.log(`portcullis: created admin "${result.admin.username}" with password: ${result.admin.generatedPassword}`)
      console.log('portcullis: this password is shown once; set ADMIN_PASSWORD to choose your own')
    } else if (result.admin.outcome === 'created' || result.admin.outcome === 'promoted') {
      console.log(`portcullis: admin "${result.admin.username}" ${result.admin.outcome}`)
    }
    const now = Date.now()
    clients = {
      user: await provisionServiceClient(database.db, 'user-service', ['sessions:revoke'], now),
      admin: await provisionServiceClient(database.db, 'admin-service', ['sessions:revoke'], now),
      gateway: await provisionServiceClient(database.db, 'gateway', ['revocations:read'], now),
    }
  } finally {
    await database.close()
  }

  const webDir = ensureWebBuild(path.join(root, 'web'))
  const [authPort, userPort, adminPort] = [await freePort(), await freePort(), await freePort()]
  const url = (port: number) => `http://127.0.0.1:${port}`
  const shared = {
    ...process.env,
    DATA_DIR: config.dataDir,
    HOST: '127.0.0.1',
    AUTH_URL: url(authPort),
    // The services sit behind the gateway on loopback and believe its X-Forwarded-For.
    TRUST_PROXY: '127.0.0.1',
  }
  const supervisor = createSupervisor(() => void shutdown(1))
  let closing = false
  async function shutdown(code: number): Promise<void> {
    if (closing) return
    closing = true
    await supervisor.stopAll('SIGTERM')
    process.exit(code)
  }
  process.on('SIGINT', () => void shutdown(0))
  process.on('SIGTERM', () => void shutdown(0))

  await supervisor.start({ name: 'auth', script: script('services/auth/src/server.ts'), env: { ...shared, PORT: String(authPort) }, url: url(authPort) })
  await Promise.all([
    supervisor.start({
      name: 'user',
      script: script('services/user/src/server.ts'),
      env: { ...shared, PORT: String(userPort), SERVICE_CLIENT_ID: clients.user.clientId, SERVICE_CLIENT_SECRET: clients.user.clientSecret },
      url: url(userPort),
    }),
    supervisor.start({
      name: 'admin',
      script: script('services/admin/src/server.ts'),
      env: { ...shared, PORT: String(adminPort), SERVICE_CLIENT_ID: clients.admin.clientId, SERVICE_CLIENT_SECRET: clients.admin.clientSecret },
      url: url(adminPort),
    }),
  ])
  await supervisor.start({
    name: 'gateway',
    script: script('gateway/src/server.ts'),
    env: {
      ...shared,
      PORT: String(config.port),
      HOST: process.env.HOST ?? '127.0.0.1',
      TRUST_PROXY: process.env.TRUST_PROXY ?? '',
      AUTH_UPSTREAMS: url(authPort),
      USER_UPSTREAMS: url(userPort),
      ADMIN_UPSTREAMS: url(adminPort),
      SERVICE_CLIENT_ID: clients.gateway.clientId,
      SERVICE_CLIENT_SECRET: clients.gateway.clientSecret,
      WEB_DIR: webDir,
    },
    url: url(config.port),
  })
  console.log(`portcullis: ready at http://localhost:${config.port} (API docs at /docs)`)
}

main().catch((error: unknown) => {
  console.error(`portcullis: ${error instanceof ConfigError ? `configuration error: ${error.message}` : error instanceof Error ? error.message : String(error)}`)
  process.exit(error instanceof ConfigError ? 2 : 1)
})
