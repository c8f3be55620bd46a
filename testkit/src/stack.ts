// The whole back end as real processes on free ports: N instances each of auth, user, admin, the OpenID Connect provider
// (oidc) and the gateway, on one test database.
import { fileURLToPath } from 'node:url'
import type { DatabaseKind } from '@portcullis/shared/db/handle'
import { createTestDatabase, type TestDatabase } from './databases.ts'
import { type RunningProcess, startService } from './processes.ts'
import { freePort } from '@portcullis/shared/net/free-port'
import { provisionStackClients } from '@portcullis/auth/clients/service-clients'
import { TEST_ENV } from './auth-app.ts'
import { ADMIN_MFA_OFF } from './admin-mfa.ts'
import { GATEWAY_SOURCE_ADDRESS } from '@portcullis/shared/net/proxy-address'

/** A process's main, found through its package (`@portcullis/auth/server` → services/auth/src/server.ts). */
const server = (specifier: string) => fileURLToPath(import.meta.resolve(specifier))

export interface TestStack {
  url: string
  /** PUBLIC_URL of every process: the gateway's port on localhost; the OpenID Connect provider's issuer. */
  publicUrl: string
  database: TestDatabase
  /** The first auth instance, the one at AUTH_URL (JWKS, internal API); `auths` lists every instance the gateway balances over. */
  auth: RunningProcess
  auths: RunningProcess[]
  users: RunningProcess[]
  admin: RunningProcess
  admins: RunningProcess[]
  /** The OpenID Connect provider's instances, which the gateway balances over (OIDC_UPSTREAMS); none when oidcInstances is 0. */
  oidcs: RunningProcess[]
  /** The gateway at `url`; `gateways` lists every gateway instance, all alike. */
  gateway: RunningProcess
  gateways: RunningProcess[]
  /** Starts one more gateway like the others (stopped with the stack), with `env` over their settings. */
  startGateway(env?: Record<string, string>): Promise<RunningProcess>
}

export interface TestStackOptions {
  authInstances?: number
  userInstances?: number
  adminInstances?: number
  /** The OpenID Connect provider's instances, 1 unless set; 0: none (the gateway's /oidc then answers 502 upstream_unavailable). */
  oidcInstances?: number
  gatewayInstances?: number
  /** A MySQL/MariaDB server other than the shared test one, for kind 'mysql'. */
  mysqlServerUrl?: string
  /** Settings of every process, over the stack's; MFA_REQUIRED_FOR_ADMINS is off unless set here (testkit/src/admin-mfa.ts). */
  env?: Record<string, string>
  /** The gateway's own settings, over everything else (e.g. TRUST_PROXY for an Nginx in front). */
  gatewayEnv?: Record<string, string>
}

interface Teardown {
  teardown(fn: () => unknown): void
}

export async function startTestStack(t: Teardown, kind: DatabaseKind, options: TestStackOptions = {}): Promise<TestStack> {
  const database = await createTestDatabase(kind, { mysqlServerUrl: options.mysqlServerUrl })
  t.teardown(() => database.drop())
  const db = database.handle.db
  const clients = await provisionStackClients(db, Date.now())
  const authPort = await freePort()
  const authUrl = `http://127.0.0.1:${authPort}`
  // The first gateway's port is known up front, so that the links in mails point at it (as pnpm start's do).
  const gatewayPort = await freePort()
  // As pnpm start runs them: the gateway's connections come from 127.0.0.2, the one address whose X-Forwarded-For the
  // services believe, so a test calling a service straight from 127.0.0.1 is a stranger to it.
  const base = {
    ...TEST_ENV,
    LOG_LEVEL: 'warn',
    ...database.env,
    AUTH_URL: authUrl,
    TRUST_PROXY: GATEWAY_SOURCE_ADDRESS,
    PUBLIC_URL: `http://localhost:${gatewayPort}`,
    ...ADMIN_MFA_OFF,
    ...options.env,
  }
  const started: RunningProcess[] = []
  t.teardown(async () => {
    for (const running of started.reverse()) await running.stop('SIGKILL')
  })
  const start = async (script: string, env: Record<string, string>) => {
    const running = await startService(server(script), env, { timeoutMs: 60_000 })
    started.push(running)
    return running
  }
  const auths = [await start('@portcullis/auth/server', { ...base, PORT: String(authPort) })]
  for (let i = 1; i < (options.authInstances ?? 1); i++) auths.push(await start('@portcullis/auth/server', base))
  const users: RunningProcess[] = []
  for (let i = 0; i < (options.userInstances ?? 1); i++) {
    users.push(await start('@portcullis/user/server', base))
  }
  const admins: RunningProcess[] = []
  for (let i = 0; i < (options.adminInstances ?? 1); i++) {
    admins.push(await start('@portcullis/admin/server', base))
  }
  // After auth, whose start makes the key ring's first key: the provider signs with the same ring.
  const oidcs: RunningProcess[] = []
  for (let i = 0; i < (options.oidcInstances ?? 1); i++) {
    oidcs.push(await start('@portcullis/oidc/server', base))
  }
  // No instance: a port nothing listens on, as an OIDC_UPSTREAMS whose every instance is down.
  const oidcUpstreams = oidcs.length > 0 ? oidcs.map((o) => o.upstream).join(',') : `http://127.0.0.1:${await freePort()}`
  const gatewayEnv = {
    ...base,
    TRUST_PROXY: '',
    PROXY_SOURCE_ADDRESS: GATEWAY_SOURCE_ADDRESS,
    AUTH_UPSTREAMS: auths.map((a) => a.upstream).join(','),
    USER_UPSTREAMS: users.map((u) => u.upstream).join(','),
    ADMIN_UPSTREAMS: admins.map((a) => a.upstream).join(','),
    OIDC_UPSTREAMS: oidcUpstreams,
    SERVICE_CLIENT_ID: clients.gateway.clientId,
    SERVICE_CLIENT_SECRET: clients.gateway.clientSecret,
    REVOCATION_POLL_MS: '500',
    RATE_LIMIT_PER_IP: '0',
    LOGIN_LIMIT_PER_IP: '0',
    ...options.gatewayEnv,
  }
  const gateways: RunningProcess[] = []
  const startGateway = (env: Record<string, string> = {}) => start('@portcullis/gateway/server', { ...gatewayEnv, ...env })
  for (let i = 0; i < (options.gatewayInstances ?? 1); i++) gateways.push(await startGateway(i === 0 ? { PORT: String(gatewayPort) } : {}))
  const [auth, admin, gateway] = [auths[0], admins[0], gateways[0]]
  if (!auth || !admin || !gateway) throw new Error('a stack needs at least one auth, admin and gateway instance')
  return { url: gateway.url, publicUrl: base.PUBLIC_URL, database, auth, auths, users, admin, admins, oidcs, gateway, gateways, startGateway }
}
