// Builds the admin service: user management for admins (the users table, roles, status, sessions, the audit log) and the
// OpenID Connect clients. The same skeleton as every service: the base app (services/shared/src/service-app.ts), then
// plugins/external, plugins/app, routes.
import type { FastifyInstance } from 'fastify'
import type { AdminConfig } from './config.ts'
import type { DatabaseHandle } from '@portcullis/shared/db/handle'
import { createServiceApp } from '@portcullis/shared/service-app'
import { createJwksKeySource, type JwksKeySource, keysLoaded } from '@portcullis/shared/tokens/jwks-keys'
import { registerAppPlugins } from './plugins/app/index.ts'
import { registerExternalPlugins } from './plugins/external/index.ts'
import { auditEventsRoute } from './routes/audit-events.ts'
import { dashboardRoute } from './routes/dashboard.ts'
import { getAllUsersRoute } from './routes/get-all-users.ts'
import { inviteUserRoute } from './routes/invite-user.ts'
import { mailFailuresRoute } from './routes/mail-failures.ts'
import { oidcClientRoutes } from './routes/oidc-clients.ts'
import { patchUserRoute } from './routes/patch-user.ts'
import { revokeSessionsRoute } from './routes/revoke-sessions.ts'
import { secondFactorRoutes } from './routes/second-factor.ts'
import { sendResetLinkRoute } from './routes/send-reset-link.ts'

export interface AdminAppOptions {
  config: AdminConfig
  database: DatabaseHandle
  /** auth's public keys; by default fetched from config.jwksUrl. */
  keys?: JwksKeySource
  /** The clock for the dashboard's windows and the audit log; tests move it. */
  now?: () => number
}

export async function buildAdminApp(options: AdminAppOptions): Promise<FastifyInstance> {
  const { config, database } = options
  const keys = options.keys ?? createJwksKeySource({ url: config.jwksUrl })

  const app = await createServiceApp({
    config,
    service: 'admin',
    readiness: {
      database: () => database.ping(),
      keys: keysLoaded(keys),
    },
  })
  if (!options.keys) app.addHook('onClose', async () => keys.stop())
  await keys.refresh().catch((error: unknown) => {
    app.log.warn({ err: error, jwksUrl: config.jwksUrl }, 'cannot load the JWKS yet; not ready until it can')
  })

  await registerExternalPlugins(app, { keys, issuer: config.tokenIssuer, audience: config.tokenAudience, accessTokenTtl: config.accessTokenTtl })
  await registerAppPlugins(app, { config, database, now: options.now ?? Date.now })

  await app.register(dashboardRoute)
  await app.register(getAllUsersRoute)
  await app.register(patchUserRoute)
  await app.register(revokeSessionsRoute)
  await app.register(auditEventsRoute)
  await app.register(sendResetLinkRoute)
  await app.register(inviteUserRoute)
  await app.register(mailFailuresRoute)
  await app.register(secondFactorRoutes)
  await app.register(oidcClientRoutes)
  return app
}
