// Starts one admin instance: reads the environment, builds the app, listens, and drains on SIGTERM.
import { connectDatabase } from '@portcullis/database/connect'
import { runService } from '@portcullis/shared/run-service'
import { buildAdminApp } from './app.ts'
import { loadAdminConfig } from './config.ts'

runService('admin', loadAdminConfig, async (config) => {
  const database = connectDatabase(config)
  const app = await buildAdminApp({ config, database })
  return { app, close: () => database.close() }
})
