// Builds the user service: a user's own profile and view of their account. The same skeleton as every service: the base app
// (services/shared/src/service-app.ts), then plugins/external, plugins/app, and the routes.
import type { FastifyInstance } from 'fastify'
import type { UserConfig } from './config.ts'
import type { DatabaseHandle } from '@portcullis/shared/db/handle'
import { createServiceApp } from '@portcullis/shared/service-app'
import { createJwksKeySource, type JwksKeySource, keysLoaded } from '@portcullis/shared/tokens/jwks-keys'
import { registerAppPlugins } from './plugins/app/index.ts'
import { registerExternalPlugins } from './plugins/external/index.ts'
import { appsRoutes } from './routes/apps.ts'
import { dashboardRoute } from './routes/dashboard.ts'
import { profileRoutes } from './routes/profile.ts'
import { sessionsRoutes } from './routes/sessions.ts'

export interface UserAppOptions {
  config: UserConfig
  database: DatabaseHandle
  /** Auth's public keys; by default fetched from JWKS_URL. */
  keys?: JwksKeySource
  now?: () => number
}

export async function buildUserApp(options: UserAppOptions): Promise<FastifyInstance> {
  const { config, database } = options
  const keys = options.keys ?? createJwksKeySource({ url: config.jwksUrl })

  const app = await createServiceApp({
    config,
    service: 'user',
    readiness: {
      database: () => database.ping(),
      keys: keysLoaded(keys),
    },
  })
  if (!options.keys) app.addHook('onClose', async () => keys.stop())
  try {
    await keys.refresh()
  } catch (error) {
    app.log.warn({ err: error, url: config.jwksUrl }, 'auth keys not loaded yet; /readyz will retry')
  }

  await registerExternalPlugins(app, { keys, issuer: config.tokenIssuer, audience: config.tokenAudience, accessTokenTtl: config.accessTokenTtl })
  await registerAppPlugins(app, { config, database, now: options.now ?? Date.now })

  await app.register(profileRoutes)
  await app.register(sessionsRoutes)
  await app.register(appsRoutes)
  await app.register(dashboardRoute)
  return app
}
