// The whole stack as separate processes: refuses at once when its port or data folder is taken, prepares the embedded (or
// MySQL) database, then runs auth, user, admin, the OpenID Connect provider (oidc) and the gateway, each with its own
// management port.
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { mailDropDir } from '@portcullis/auth/mail/mail-drop-files'
import { lockDataDir } from './data-dir-lock.ts'
import type { LocalInbox } from './local-inbox.ts'
import { prepareDatabaseApart } from './prepare-database-apart.ts'
import { assertPortsFree, freePorts, type PortClaim } from './ports.ts'
import { chooseProxySource } from '@portcullis/shared/net/proxy-address'
import type { StackConfig, StackProcess } from './settings.ts'
import type { Supervisor } from './supervisor.ts'
import { ensureWebBuild } from './web-build.ts'
import { MALLOC_ENV, withHeapFlags } from './heap-sizes.ts'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const script = (relative: string) => path.join(root, relative)

export interface StackOptions {
  /** Runs the processes; the caller made it, so it can stop them on a signal even while the stack is starting. */
  supervisor: Supervisor
  /** Set last on the gateway's environment (start-tls: TRUST_PROXY for the local Nginx in front). */
  gatewayEnv?: Record<string, string>
  /** More ports the command listens on (start:tls: HTTPS_PORT, HTTP_PORT), refused with PORT if taken. */
  ports?: PortClaim[]
  /** Where the links in mails point unless PUBLIC_URL is given (start:tls: https://localhost:HTTPS_PORT); else http://localhost:PORT. */
  publicUrl?: string
  /** Runs once DATA_DIR is this command's, before the ports are checked (start:tls: stops an Nginx a killed run left). */
  onDataDirLocked?: () => Promise<void>
}

export interface RunningStack {
  /** Where the gateway listens (PORT), e.g. http://127.0.0.1:8080. */
  gatewayUrl: string
  gatewayPort: number
  /** The gateway's /healthz, /readyz and /metrics. */
  gatewayManagementUrl: string
  /** The built web app the gateway serves. */
  webDir: string
  /** The local inbox of DATA_DIR/mail, when no SMTP_URL is set. */
  inboxUrl?: string
  /** The first admin's generated password, shown once after the ready line, where it does not scroll away. */
  generatedAdmin?: { username: string; password: string }
  supervisor: Supervisor
  stop(): Promise<void>
}

/** An address to reach a host on: a wildcard bind is reached on loopback. */
function reachable(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1'
  if (host === '::' || host === '[::]') return '[::1]'
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host
}

export async function startStack(stack: StackConfig, options: StackOptions): Promise<RunningStack> {
  const { supervisor } = options
  const { auth: config, gateway } = stack
  lockDataDir(config.dataDir)
  await options.onDataDirLocked?.()
  const claims: PortClaim[] = [{ setting: 'PORT', host: gateway.host, port: gateway.port }]
  if (stack.gatewayManagementPortGiven) claims.push({ setting: 'MANAGEMENT_PORT', host: gateway.managementHost, port: gateway.managementPort })
  claims.push(...(options.ports ?? []))
  await assertPortsFree(claims)

  // In a process of its own: what it imports would otherwise stay in this one, the supervisor, for the stack's whole life.
  const database = await prepareDatabaseApart()
  const { bootstrap, clients } = database
  if (bootstrap.migrations.length > 0) console.log(`portcullis: migrated ${database.kind} database (${bootstrap.migrations.join(', ')})`)
  if (bootstrap.admin.outcome === 'created' || bootstrap.admin.outcome === 'promoted') {
    console.log(
      `portcullis: admin "${bootstrap.admin.username}" ${bootstrap.admin.outcome}${bootstrap.admin.generatedPassword ? ' (its password is shown once the stack is ready)' : ''}`,
    )
  }
  if (bootstrap.admin.passwordNotApplied) {
    console.log(
      `portcullis: ADMIN_PASSWORD was not applied: it only creates the first admin, and "${bootstrap.admin.username}" exists already (pnpm create-admin --username ${bootstrap.admin.username} --password … sets a new one)`,
    )
  }
  if (database.createdClients.length > 0) console.log(`portcullis: new service clients for ${database.createdClients.join(', ')}, kept in ${config.dataDir}`)

  // Without a relay, auth keeps every mail in DATA_DIR/mail, which the local inbox shows. Imported only now (Fastify and
  // mailparser), so that a start refused above is refused at once.
  const inbox: LocalInbox | undefined =
    config.smtpUrl === undefined ? await (await import('./local-inbox.ts')).startLocalInbox({ dir: mailDropDir(config.dataDir) }) : undefined

  const webDir = ensureWebBuild(path.join(root, 'web'))
  const proxy = await chooseProxySource()
  if (proxy.notice) console.log(`portcullis: ${proxy.notice}`)
  const ports = await freePorts(
    9,
    claims.map((claim) => claim.port),
  )
  const [authPort, authManagement, userPort, userManagement, adminPort, adminManagement, oidcPort, oidcManagement, freeGatewayManagement] = ports as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ]
  const gatewayManagementPort = stack.gatewayManagementPortGiven ? gateway.managementPort : freeGatewayManagement
  const url = (port: number) => `http://127.0.0.1:${port}`
  // Each process gets its own settings as given, then what the stack decides for it.
  const PUBLIC_URL = stack.publicUrlGiven ? config.publicUrl : (options.publicUrl ?? `http://localhost:${gateway.port}`)
  const stackChosen = {
    auth: { DATA_DIR: config.dataDir, PUBLIC_URL },
    user: { DATA_DIR: config.dataDir, AUTH_URL: url(authPort), PUBLIC_URL },
    admin: { DATA_DIR: config.dataDir, AUTH_URL: url(authPort), PUBLIC_URL },
    // PUBLIC_URL is its issuer: the gateway's origin, where relying parties find /.well-known/openid-configuration.
    oidc: { DATA_DIR: config.dataDir, PUBLIC_URL },
    gateway: { AUTH_URL: url(authPort) },
  }
  const service = (name: Exclude<StackProcess, 'gateway'>, relative: string, port: number, management: number) => ({
    name,
    script: script(relative),
    env: {
      ...stack.inherited[name],
      ...stackChosen[name],
      HOST: '127.0.0.1',
      MANAGEMENT_HOST: '127.0.0.1',
      // The services believe X-Forwarded-For from the gateway's address alone.
      TRUST_PROXY: proxy.address,
      PORT: String(port),
      MANAGEMENT_PORT: String(management),
      ...MALLOC_ENV,
      NODE_OPTIONS: withHeapFlags(name, stack.inherited[name].NODE_OPTIONS),
    },
    url: url(port),
    managementUrl: url(management),
  })

  await supervisor.start(service('auth', 'services/auth/src/server.ts', authPort, authManagement))
  // After auth, whose start makes the key ring's first key, which the provider signs with too.
  await Promise.all([
    supervisor.start(service('user', 'services/user/src/server.ts', userPort, userManagement)),
    supervisor.start(service('admin', 'services/admin/src/server.ts', adminPort, adminManagement)),
    supervisor.start(service('oidc', 'services/oidc/src/server.ts', oidcPort, oidcManagement)),
  ])
  const gatewayManagementUrl = `http://${reachable(gateway.managementHost)}:${gatewayManagementPort}`
  await supervisor.start({
    name: 'gateway',
    script: script('gateway/src/server.ts'),
    env: {
      ...stack.inherited.gateway,
      ...stackChosen.gateway,
      PORT: String(gateway.port),
      HOST: gateway.host,
      MANAGEMENT_PORT: String(gatewayManagementPort),
      MANAGEMENT_HOST: gateway.managementHost,
      TRUST_PROXY: stack.gatewayTrustProxy,
      PROXY_SOURCE_ADDRESS: proxy.address,
      // Each instance with its management port, where the gateway probes /readyz.
      AUTH_UPSTREAMS: `${url(authPort)}|${authManagement}`,
      USER_UPSTREAMS: `${url(userPort)}|${userManagement}`,
      ADMIN_UPSTREAMS: `${url(adminPort)}|${adminManagement}`,
      OIDC_UPSTREAMS: `${url(oidcPort)}|${oidcManagement}`,
      SERVICE_CLIENT_ID: clients.gateway.clientId,
      SERVICE_CLIENT_SECRET: clients.gateway.clientSecret,
      WEB_DIR: webDir,
      ...MALLOC_ENV,
      NODE_OPTIONS: withHeapFlags('gateway', stack.inherited.gateway.NODE_OPTIONS),
      ...options.gatewayEnv,
    },
    url: `http://${reachable(gateway.host)}:${gateway.port}`,
    managementUrl: gatewayManagementUrl,
  })
  const generated = bootstrap.admin.generatedPassword
  return {
    gatewayUrl: `http://${reachable(gateway.host)}:${gateway.port}`,
    gatewayPort: gateway.port,
    gatewayManagementUrl,
    webDir,
    ...(inbox ? { inboxUrl: inbox.url } : {}),
    ...(generated ? { generatedAdmin: { username: bootstrap.admin.username, password: generated } } : {}),
    supervisor,
    stop: async () => {
      await supervisor.stopAll('SIGTERM')
      await inbox?.close()
    },
  }
}
