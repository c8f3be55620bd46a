// Builds the gateway: the one door in front of auth, user, admin and the OpenID Connect provider (oidc). The same skeleton
// as every service: the base app (services/shared/src/service-app.ts), then plugins/external, plugins/app, and the routes.
import type { FastifyInstance } from 'fastify'
import type { Redis } from 'ioredis'
import { type AuthClient, createAuthClient } from '@portcullis/shared/internal/auth-client'
import { createServiceApp } from '@portcullis/shared/service-app'
import { ConfigError } from '@portcullis/shared/settings/load'
import { createJwksKeySource, type JwksKeySource, keysLoaded } from '@portcullis/shared/tokens/jwks-keys'
import { createAppRateLimiter } from './apps/app-rate-limit.ts'
import { type AppRegistry, createAppRegistry } from './apps/app-registry.ts'
import { AppsFileError } from './apps/apps-file.ts'
import { createIdentitySource } from './apps/identity-headers.ts'
import { handleAppUpgrades } from './apps/websocket-upgrade.ts'
import { type GatewayConfig, serviceCredentials } from './config.ts'
import { registerAppPlugins } from './plugins/app/index.ts'
import { registerExternalPlugins } from './plugins/external/index.ts'
import { refuseAmbiguousPaths } from './policy/request-path.ts'
import { createRevocationList } from './revocation/revocation-list.ts'
import { appRoutes } from './routes/apps.ts'
import { docsRoute } from './routes/docs.ts'
import { forwardAuthRoute } from './routes/forward-auth.ts'
import { proxyRoutes } from './routes/proxy.ts'
import { webAppRoutes } from './routes/web-app.ts'
import { createUpstreamPool } from './upstreams/pool.ts'

export interface GatewayAppOptions {
  config: GatewayConfig
  keys?: JwksKeySource
  authClient?: AuthClient
  redis?: Redis
}

/** The feed must have answered within this long for the gateway to call itself ready: revocations take effect within 5 s. */
const REVOCATIONS_FRESH_MS = 4000

export async function buildGatewayApp(options: GatewayAppOptions): Promise<FastifyInstance> {
  const { config } = options
  const credentials = serviceCredentials(config)
  const keys = options.keys ?? createJwksKeySource({ url: config.jwksUrl })
  const authClient = options.authClient ?? createAuthClient({ authUrl: config.authUrl, ...credentials })
  const pools = {
    auth: createUpstreamPool('auth', config.authUpstreams),
    user: createUpstreamPool('user', config.userUpstreams),
    admin: createUpstreamPool('admin', config.adminUpstreams),
    oidc: createUpstreamPool('oidc', config.oidcUpstreams),
  }
  const apps = await loadApps(config.appsFile, [config.tokenAudience])
  const app = await createServiceApp({
    config,
    service: 'gateway',
    readiness: {
      keys: keysLoaded(keys),
      revocations: async () => {
        if (revocations.staleness() > REVOCATIONS_FRESH_MS) await revocations.sync()
      },
    },
  })
  const revocations = createRevocationList(authClient, {
    pollMs: config.revocationPollMs,
    retainMs: (config.accessTokenTtl + 120) * 1000,
    onError: (error) => app.log.warn({ err: error }, 'revocation feed unreachable'),
  })

  // SIGHUP reads APPS_FILE again; a file that does not check out is logged and the running apps stay.
  const reloadApps = () => {
    apps.reload().then(
      (now) => app.log.info({ apps: now.map((one) => one.definition.name) }, 'APPS_FILE reloaded'),
      (error: unknown) => app.log.error({ err: error }, 'APPS_FILE not reloaded; the apps already running stay'),
    )
  }
  app.addHook('onReady', async () => {
    if (config.appsFile) process.on('SIGHUP', reloadApps)
    await Promise.all([...Object.values(pools).map((pool) => pool.probe()), ...apps.apps().map((one) => one.pool.probe())])
    await keys.refresh().catch(() => app.log.warn('JWKS not reachable yet'))
    await revocations.sync().catch(() => app.log.warn('revocation feed not reachable yet'))
    revocations.start()
  })
  app.addHook('onClose', async () => {
    process.off('SIGHUP', reloadApps)
    apps.stop()
    revocations.stop()
    keys.stop()
    for (const pool of Object.values(pools)) pool.stop()
  })

  // Before every other hook: each policy below is decided on the path as the router decoded it, and an ambiguous one is refused.
  app.addHook('onRequest', refuseAmbiguousPaths)
  await registerExternalPlugins(app, {
    rateLimits: { perIpPerMinute: config.rateLimitPerIp, loginPerIpPerMinute: config.loginLimitPerIp, redis: options.redis },
    tokens: {
      keys,
      issuer: config.tokenIssuer,
      audience: config.tokenAudience,
      accessTokenTtl: config.accessTokenTtl,
      isRevoked: (principal) => revocations.isRevoked(principal),
    },
  })
  await registerAppPlugins(app, {
    config,
    upstreams: pools,
    apps,
    appRateLimiter: createAppRateLimiter(),
    identities: createIdentitySource(authClient),
  })

  await app.register(docsRoute)
  if (config.webDir) await app.register(webAppRoutes, { root: config.webDir, isAppPath: (path) => apps.match(path) !== undefined })
  await app.register(forwardAuthRoute)
  await app.register(proxyRoutes)
  await app.register(appRoutes)
  handleAppUpgrades(app)
  return app
}

/** The apps of APPS_FILE; a file that does not check out stops the start with its message. */
async function loadApps(file: string | undefined, reservedNames: readonly string[]): Promise<AppRegistry> {
  try {
    return await createAppRegistry(file, reservedNames)
  } catch (error) {
    if (error instanceof AppsFileError) throw new ConfigError(error.message)
    throw error
  }
}
