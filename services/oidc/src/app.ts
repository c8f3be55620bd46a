// Builds the OpenID Connect provider service: the base app (services/shared/src/service-app.ts) with oidc-provider mounted
// at /oidc/* and /.well-known/openid-configuration, its state and clients in our database, signing with the key ring auth
// signs with (a new provider is made when the ring's keys change: provider/current-provider.ts).
import type { FastifyInstance } from 'fastify'
import type { DatabaseHandle } from '@portcullis/shared/db/handle'
import { keyWrapping } from '@portcullis/shared/keys/private-key-wrapping'
import { createKeyRing } from '@portcullis/shared/keys/ring'
import { createServiceApp } from '@portcullis/shared/service-app'
import { PayloadAdapter } from './adapter/payload-adapter.ts'
import { ClientAdapter } from './clients/client-adapter.ts'
import type { OidcConfig } from './config.ts'
import { createProvider } from './provider/create-provider.ts'
import { type CurrentProvider, currentProvider } from './provider/current-provider.ts'
import { mountProvider } from './provider/mount.ts'

export interface OidcAppOptions {
  config: OidcConfig
  database: DatabaseHandle
  now?: () => number
  /** How often the key ring is read again from the database (30 s by default). */
  keysReloadIntervalMs?: number
}

export async function buildOidcApp(options: OidcAppOptions): Promise<FastifyInstance> {
  const { config, database } = options
  const now = options.now ?? Date.now
  const app = await createServiceApp({ config, service: 'oidc', readiness: { database: () => database.ping() } })
  let current: CurrentProvider | undefined
  const ring = createKeyRing(database.db, {
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
  current = currentProvider(ring, (jwks) =>
    createProvider({
      issuer: config.publicUrl,
      adapter: (model) => (model === 'Client' ? new ClientAdapter(database.db) : new PayloadAdapter(database.db, model, now)),
      jwks,
      signingAlgorithm: config.signingAlgorithm,
      behindProxy: config.trustProxy !== false,
    }),
  )
  const provider = current
  await mountProvider(app, () => provider.get())
  return app
}
