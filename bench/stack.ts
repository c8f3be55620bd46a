// Portcullis as real processes on free ports over one fresh database, as gateway/test/helpers/stack.ts starts it, at the shipped settings
// (argon2, log level, pool size) unless BENCH_SERVICE_ENV says otherwise, with user instances and gateways that can be added; the
// OpenID Connect provider and the built web app (when web/dist has one) as pnpm start runs them.
import { existsSync } from 'node:fs'
import path from 'node:path'
import { provisionStackClients } from '@portcullis/auth/clients/service-clients'
import type { DatabaseKind } from '@portcullis/shared/db/handle'
import { createTestDatabase, type TestDatabase } from '@portcullis/testkit/databases'
import { type BenchProcess, freePort, startProcess } from './processes.ts'
import { ROOT } from './settings.ts'

export interface BenchStack {
  kind: DatabaseKind
  database: TestDatabase
  /** The first gateway's URL. */
  url: string
  auth: BenchProcess
  users: BenchProcess[]
  admin: BenchProcess
  /** The OpenID Connect provider, behind the gateway's /oidc and discovery path as in pnpm start. */
  oidc: BenchProcess
  gateway: BenchProcess
  /** Another instance of the user service on the same database. */
  startUserInstance(): Promise<BenchProcess>
  /** Another gateway, in front of these user instances. */
  startGateway(name: string, users: BenchProcess[], env?: Record<string, string>): Promise<BenchProcess>
  /** Whether auth, admin, oidc, the first gateway and every user instance still run. */
  alive(): boolean
  stop(): Promise<void>
}

export interface StackOptions {
  /** Environment for every process, over the stack's own (BENCH_SERVICE_ENV). */
  env: Record<string, string>
  logDir: string
  /** A prefix for the process names, so two stacks' logs do not mix. */
  name: string
  /** The tree whose services run: this one, or a changed copy being compared with it (bench/compare.ts). */
  root?: string
}

export async function startBenchStack(kind: DatabaseKind, options: StackOptions): Promise<BenchStack> {
  const root = options.root ?? ROOT
  const database = await createTestDatabase(kind)
  const started: BenchProcess[] = []
  let stopped: Promise<void> | undefined
  const stop = () => {
    stopped ??= (async () => {
      for (const child of started.reverse()) await child.stop()
      await database.drop()
    })()
    return stopped
  }
  try {
    const db = database.handle.db
    const clients = await provisionStackClients(db, Date.now())
    const authPort = await freePort()
    const authUrl = `http://127.0.0.1:${authPort}`
    // The first gateway's port is known up front: PUBLIC_URL (the provider's issuer, the links in mails) is its origin.
    const gatewayPort = await freePort()
    // Only the load generator's own address would be throttled: the gateway limits are off, as in the stack test.
    const base = { ...database.env, AUTH_URL: authUrl, TRUST_PROXY: '127.0.0.1', PUBLIC_URL: `http://localhost:${gatewayPort}`, ...options.env }
    const start = async (name: string, relative: string, env: Record<string, string>) => {
      // Relative to the tree: the command line reads `node services/auth/src/server.ts` (see processes.ts on why that matters here).
      const child = await startProcess({ name: `${options.name}${name}`, script: relative, cwd: root, env, logDir: options.logDir, portcullis: true })
      started.push(child)
      return child
    }
    const auth = await start('auth', 'services/auth/src/server.ts', { ...base, PORT: String(authPort) })
    const users: BenchProcess[] = []
    const startUserInstance = async () => {
      const user = await start(`user-${users.length + 1}`, 'services/user/src/server.ts', {
        ...base,
      })
      users.push(user)
      return user
    }
    await startUserInstance()
    const admin = await start('admin', 'services/admin/src/server.ts', {
      ...base,
    })
    // After auth, whose start makes the key ring's first key: the provider signs with the same ring (testkit/src/stack.ts).
    const oidc = await start('oidc', 'services/oidc/src/server.ts', { ...base })
    // The built web app beside the API, as pnpm start serves it (its hook runs on every request), when there is one.
    const webDir = path.join(root, 'web', 'dist')
    const webApp: Record<string, string> = existsSync(path.join(webDir, 'index.html')) ? { WEB_DIR: webDir } : {}
    const startGateway = (name: string, gatewayUsers: BenchProcess[], env: Record<string, string> = {}) =>
      start(name, 'gateway/src/server.ts', {
        ...base,
        TRUST_PROXY: '',
        // Each instance with its management port, where the gateway probes /readyz.
        AUTH_UPSTREAMS: auth.upstream,
        USER_UPSTREAMS: gatewayUsers.map((user) => user.upstream).join(','),
        ADMIN_UPSTREAMS: admin.upstream,
        OIDC_UPSTREAMS: oidc.upstream,
        SERVICE_CLIENT_ID: clients.gateway.clientId,
        SERVICE_CLIENT_SECRET: clients.gateway.clientSecret,
        RATE_LIMIT_PER_IP: '0',
        LOGIN_LIMIT_PER_IP: '0',
        ...webApp,
        ...options.env,
        ...env,
      })
    const gateway = await startGateway('gateway', [...users], { PORT: String(gatewayPort) })
    const alive = () => [auth, admin, oidc, gateway, ...users].every((child) => child.alive())
    return { kind, database, url: gateway.url, auth, users, admin, oidc, gateway, startUserInstance, startGateway, alive, stop }
  } catch (error) {
    await stop()
    throw error
  }
}
