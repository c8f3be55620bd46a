// Starts one OpenID Connect provider instance: reads the environment, builds the app, listens, and drains on SIGTERM.
import { connectDatabase } from '@portcullis/database/connect'
import { runService } from '@portcullis/shared/run-service'
import { buildOidcApp } from './app.ts'
import { loadOidcConfig } from './config.ts'

runService('oidc', loadOidcConfig, async (config) => {
  const database = connectDatabase(config)
  const app = await buildOidcApp({ config, database })
  return { app, close: () => database.close() }
})
