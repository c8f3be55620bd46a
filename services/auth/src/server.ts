// Starts one auth instance: reads the environment, builds the app, listens, and drains on SIGTERM.
import './passwords/thread-pool.ts'
import { connectDatabase } from '@portcullis/database/connect'
import { runService } from '@portcullis/shared/run-service'
import { buildAuthApp } from './app.ts'
import { loadAuthConfig } from './config.ts'

runService('auth', loadAuthConfig, async (config) => {
  const database = connectDatabase(config)
  const app = await buildAuthApp({ config, database })
  return { app, close: () => database.close() }
})
