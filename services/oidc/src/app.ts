// Builds the OpenID Connect provider service: the base app (services/shared/src/service-app.ts) with oidc-provider mounted
// at /oidc/* and /.well-known/openid-configuration, its state in our database, signing with the key ring auth signs with.
import type { FastifyInstance } from 'fastify'
import type { DatabaseHandle } from '@portcullis/shared/db/handle'
import { keyWrapping } from '@portcullis/shared/keys/private-key-wrapping'
import { createKeyRing, type KeyRing } from '@portcullis/shared/keys/ring'
import { createServiceApp } from '@portcullis/shared/service-app'
import { PayloadAdapter } from './adapter/payload-adapter.ts'
import { ClientAdapter } from './clients/client-adapter.ts'
import type { OidcConfig } from './config.ts'
import { createProvider } from './provider/create-provider.ts'
import { mountProvider } from './provider/mount.ts'
import { ringJwks } from './provider/ring-jwks.ts'

export interface OidcAppOptions {
  config: OidcConfig
  database: DatabaseHandle
  now?: () => number
}

export async function buildOidcApp(options: OidcAppOptions): Promise<FastifyInstance> {
  const { config, database } = options
  const now = options.now ?? Date.now
  const ring: KeyRing = createKeyRing(database.db, {
    algorithm: config.signingAlgorithm,
    accessTokenTtl: config.accessTokenTtl,
    wrapping: keyWrapping(config),
    now,
  })
  // oidc-provider reads its keystore once, when it is made: the keys are those published at start (see docs in the report).
  await ring.start()
  const app = await createServiceApp({ config, service: 'oidc', readiness: { database: () => database.ping() } })
  app.addHook('onClose', async () => ring.stop())
  const provider = createProvider({
    issuer: config.publicUrl,
    adapter: (model) => (model === 'Client' ? new ClientAdapter(database.db) : new PayloadAdapter(database.db, model, now)),
    signingAlgorithm: config.signingAlgorithm,
    jwks: ringJwks(ring),
    behindProxy: config.trustProxy !== false,
  })
  await mountProvider(app, provider)
  return app
}
