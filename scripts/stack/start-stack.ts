// The whole stack as separate processes: prepares the embedded (or MySQL) database, then runs auth, user, admin and the gateway.
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { provisionStackClients, type StackClients } from '@portcullis/auth/clients/service-clients'
import { bootstrapStack } from '@portcullis/auth/bootstrap'
import type { Config } from '@portcullis/shared/config'
import { connectDatabase } from '@portcullis/shared/db/connect'
import { freePort } from '@portcullis/shared/net/free-port'
import type { Supervisor } from './supervisor.ts'
import { ensureWebBuild } from './web-build.ts'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const script = (relative: string) => path.join(root, relative)

export interface StackOptions {
  /** Runs the processes; the caller made it, so it can stop them on a signal even while the stack is starting. */
  supervisor: Supervisor
  /** Set last on the gateway's environment (start-tls: TRUST_PROXY for the local Nginx in front). */
  gatewayEnv?: Record<string, string>
}

export interface RunningStack {
  /** Where the gateway listens (PORT), e.g. http://127.0.0.1:8080. */
  gatewayUrl: string
  gatewayPort: number
  /** The built web app the gateway serves. */
  webDir: string
  supervisor: Supervisor
  stop(): Promise<void>
}

export async function startStack(config: Config, options: StackOptions): Promise<RunningStack> {
  const { supervisor } = options
  const database = connectDatabase(config)
  let clients: StackClients
  try {
    const result = await bootstrapStack(config, database)
    if (result.migrations.length > 0) console.log(`portcullis: migrated ${database.kind} database (${result.migrations.join(', ')})`)
    if (result.admin.generatedPassword) {
      console.log(`portcullis: created admin "${result.admin.username}" with password: ${result.admin.generatedPassword}`)
      console.log('portcullis: this password is shown once; set ADMIN_PASSWORD to choose your own')
    } else if (result.admin.outcome === 'created' || result.admin.outcome === 'promoted') {
      console.log(`portcullis: admin "${result.admin.username}" ${result.admin.outcome}`)
    }
    clients = await provisionStackClients(database.db, Date.now())
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
      ...options.gatewayEnv,
    },
    url: url(config.port),
  })
  return { gatewayUrl: url(config.port), gatewayPort: config.port, webDir, supervisor, stop: () => supervisor.stopAll('SIGTERM') }
}
