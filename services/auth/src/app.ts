// Builds the auth service: credentials, sessions, signing keys and service clients. The same skeleton as every service:
// the base app (services/shared/src/service-app.ts), then plugins/external, plugins/app, and the routes.
import formbody from '@fastify/formbody'
import type { FastifyInstance } from 'fastify'
import type { DatabaseHandle } from '@portcullis/shared/db/handle'
import { createServiceApp } from '@portcullis/shared/service-app'
import type { AuthConfig } from './config.ts'
import { keyWrapping } from '@portcullis/shared/keys/private-key-wrapping'
import { createKeyRing } from '@portcullis/shared/keys/ring'
import { argon2Parameters, createPasswordHasher, type PasswordHasher } from './passwords/hash.ts'
import { registerAppPlugins } from './plugins/app/index.ts'
import { registerExternalPlugins } from './plugins/external/index.ts'
import { identityRoute } from './routes/internal/identity.ts'
import { revocationFeedRoute } from './routes/internal/revocations.ts'
import { internalRevokeRoutes } from './routes/internal/revoke.ts'
import { serviceTokenRoute } from './routes/internal/token.ts'
import { emailVerifyResendRoute } from './routes/email-verify-resend.ts'
import { emailVerifyRoute } from './routes/email-verify.ts'
import { jwksRoute } from './routes/jwks.ts'
import { loginMfaRoute } from './routes/login-mfa.ts'
import { loginRoute } from './routes/login.ts'
import { logoutAllRoute } from './routes/logout-all.ts'
import { logoutRoute } from './routes/logout.ts'
import { mfaRoutes } from './routes/mfa.ts'
import { passkeyLoginRoutes } from './routes/passkey-login.ts'
import { passkeyRoutes } from './routes/passkeys.ts'
import { passwordForgotRoute } from './routes/password-forgot.ts'
import { passwordPolicyRoute } from './routes/password-policy.ts'
import { passwordResetRoute } from './routes/password-reset.ts'
import { passwordRoute } from './routes/password.ts'
import { reauthenticateRoute } from './routes/reauthenticate.ts'
import { refreshRoute } from './routes/refresh.ts'
import { signupRoute } from './routes/signup.ts'

export interface AuthAppOptions {
  config: AuthConfig
  database: DatabaseHandle
  /** The clock for sessions and throttling; tests move it. */
  now?: () => number
  passwords?: PasswordHasher
}

export async function buildAuthApp(options: AuthAppOptions): Promise<FastifyInstance> {
  const { config, database } = options
  const now = options.now ?? Date.now
  const keyRing = createKeyRing(database.db, { algorithm: config.signingAlgorithm, accessTokenTtl: config.accessTokenTtl, wrapping: keyWrapping(config), now })
  await keyRing.start()
  const passwords = options.passwords ?? (await createPasswordHasher(argon2Parameters(config)))

  const app = await createServiceApp({
    config,
    service: 'auth',
    readiness: {
      database: () => database.ping(),
      keys: async () => {
        if (!keyRing.isLoaded()) throw new Error('no signing keys')
      },
    },
  })
  app.addHook('onClose', async () => keyRing.stop())
  await registerExternalPlugins(app, { config, keyRing })
  await registerAppPlugins(app, { config, database, now, passwords, keyRing })

  await app.register(signupRoute)
  await app.register(loginRoute)
  await app.register(loginMfaRoute)
  await app.register(mfaRoutes)
  await app.register(passkeyRoutes)
  await app.register(passkeyLoginRoutes)
  await app.register(refreshRoute)
  await app.register(logoutRoute)
  await app.register(logoutAllRoute)
  await app.register(passwordRoute)
  await app.register(reauthenticateRoute)
  await app.register(passwordPolicyRoute)
  await app.register(passwordForgotRoute)
  await app.register(passwordResetRoute)
  await app.register(emailVerifyRoute)
  await app.register(emailVerifyResendRoute)
  await app.register(jwksRoute)
  // Form bodies are accepted only where OAuth2 expects them, so no other route can be posted to by a cross-site form.
  await app.register(async (oauth) => {
    await oauth.register(formbody, { bodyLimit: config.bodyLimit })
    await oauth.register(serviceTokenRoute)
  })
  await app.register(internalRevokeRoutes)
  await app.register(identityRoute)
  await app.register(revocationFeedRoute)
  return app
}
