// Starts one user instance: reads the environment, builds the app, listens, and drains on SIGTERM.
import { connectDatabase } from '@portcullis/database/connect'
import { runService } from '@portcullis/shared/run-service'
import { buildUserApp } from './app.ts'
import { loadUserConfig } from './config.ts'

runService('user', loadUserConfig, async (config) => {
  const database = connectDatabase(config)
  const app = await buildUserApp({ config, database })
  return { app, close: () => database.close() }
})
