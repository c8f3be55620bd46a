// Builds the OpenID Connect provider service: the base app (services/shared/src/service-app.ts) with oidc-provider mounted
// at /oidc/* and /.well-known/openid-configuration, its state and clients in our database, signing with the key ring auth
// signs with (a new provider is made when the ring's keys change: provider/current-provider.ts), signing users in with their
// Portcullis session (interaction/routes.ts) and sweeping its expired state.
import type { FastifyInstance } from 'fastify'
import type { DatabaseHandle } from '@portcullis/shared/db/handle'
import { keyWrapping } from '@portcullis/shared/keys/private-key-wrapping'
import { createKeyRing } from '@portcullis/shared/keys/ring'
import { signInSession } from '@portcullis/shared/oidc/sign-ins'
import { swaggerPlugin } from '@portcullis/shared/plugins/external/swagger'
import { createServiceApp } from '@portcullis/shared/service-app'
import { sessionLifetime } from '@portcullis/shared/sessions/liveness'
import { findAccountIn } from './account/find-account.ts'
import { PayloadAdapter } from './adapter/payload-adapter.ts'
import { ClientAdapter } from './clients/client-adapter.ts'
import type { OidcConfig } from './config.ts'
import { sweepExpired } from './housekeeping/sweep.ts'
import { INTERACTION_PATH, interactionRoutes } from './interaction/routes.ts'
import { providerCookieKeys } from './provider/cookie-keys.ts'
import { createProvider } from './provider/create-provider.ts'
import { type CurrentProvider, currentProvider } from './provider/current-provider.ts'
import { recordProviderEvents } from './provider/events.ts'
import { mountProvider } from './provider/mount.ts'
import { signInReader } from './sign-in/portcullis-sign-in.ts'

export interface OidcAppOptions {
  config: OidcConfig
  database: DatabaseHandle
  now?: () => number
  /** How often the key ring is read again from the database (30 s by default). */
  keysReloadIntervalMs?: number
  /** How often expired state is swept (10 minutes by default; 0: never, for tests that sweep themselves). */
  sweepIntervalMs?: number
}

const SWEEP_INTERVAL_MS = 10 * 60_000

export async function buildOidcApp(options: OidcAppOptions): Promise<FastifyInstance> {
  const { config, database } = options
  const db = database.db
  const now = options.now ?? Date.now
  const app = await createServiceApp({ config, service: 'oidc', readiness: { database: () => database.ping() } })
  // The interaction's routes in an OpenAPI document of their own (the protocol's endpoints are oidc-provider's, in discovery).
  await app.register(swaggerPlugin, { service: 'oidc' })
  let current: CurrentProvider | undefined
  const ring = createKeyRing(db, {
    algorithm: config.signingAlgorithm,
    accessTokenTtl: config.accessTokenTtl,
    wrapping: keyWrapping(config),
    now,
    ...(options.keysReloadIntervalMs === undefined ? {} : { reloadIntervalMs: options.keysReloadIntervalMs }),
    onReload: () => {
      if (current?.refresh()) app.log.info({ kids: ring.privateKeys().map((key) => key.kid) }, 'signing keys changed: provider rebuilt with them')
    },
  })
  await ring.start()
  app.addHook('onClose', async () => ring.stop())

  const readSignIn = signInReader({
    db,
    ring,
    issuer: config.tokenIssuer,
    audience: config.tokenAudience,
    accessTokenTtl: config.accessTokenTtl,
    lifetime: sessionLifetime(config),
    now,
  })
  const cookieKeys = await providerCookieKeys(db, now())
  const findAccount = findAccountIn(db)
  current = currentProvider(ring, (jwks) => {
    const provider = createProvider({
      issuer: config.publicUrl,
      adapter: (model) => (model === 'Client' ? new ClientAdapter(db) : new PayloadAdapter(db, model, now)),
      jwks,
      signingAlgorithm: config.signingAlgorithm,
      behindProxy: config.trustProxy !== false,
      findAccount,
      interactionUrl: (uid) => `${INTERACTION_PATH}/${uid}`,
      cookieKeys,
      lifetimes: { accessToken: config.accessTokenTtl, refreshIdle: config.refreshIdleTtl, refreshAbsolute: config.refreshAbsoluteTtl },
      stillSignedIn: async (ctx) => {
        const signIn = await readSignIn({ authorization: undefined, cookie: ctx.get('cookie') || undefined })
        if (!signIn || signIn.userId !== ctx.oidc.session?.accountId) return false
        const grantId = ctx.oidc.client ? ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId) : undefined
        if (grantId === undefined) return true
        // A grant made in another Portcullis session is signed in again (and follows this one); one that ended is asked anew.
        const madeIn = await signInSession(db, grantId)
        return madeIn === undefined || madeIn === signIn.sessionId
      },
    })
    recordProviderEvents(provider, { db, now, log: app.log })
    return provider
  })
  const provider = current
  await interactionRoutes(app, { provider: () => provider.get(), readSignIn, db, now })
  await mountProvider(app, () => provider.get(), config.publicUrl)

  const sweepEvery = options.sweepIntervalMs ?? SWEEP_INTERVAL_MS
  if (sweepEvery > 0) {
    const sweep = () =>
      sweepExpired(db, now()).then(
        (swept) => {
          if (swept.payloads + swept.signIns > 0) app.log.info(swept, 'oidc: expired state swept')
        },
        (error: unknown) => app.log.warn({ err: error }, 'oidc: sweeping expired state failed; the next sweep tries again'),
      )
    const timer = setInterval(sweep, sweepEvery)
    timer.unref()
    app.addHook('onClose', async () => clearInterval(timer))
  }
  return app
}
