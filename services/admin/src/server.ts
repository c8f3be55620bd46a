// Starts one admin instance: reads the environment, builds the app, listens, and drains on SIGTERM.
import { ConfigError, loadConfig } from '@portcullis/shared/config'
import { connectDatabase } from '@portcullis/shared/db/connect'
import { buildAdminApp } from './app.ts'

async function main(): Promise<void> {
  const config = loadConfig()
  const database = connectDatabase(config)
  const app = await buildAdminApp({ config, database })
  let closing = false
  const stop = async (signal: string) => {
    if (closing) return
    closing = true
    app.log.info({ signal }, 'draining')
    await app.close()
    await database.close()
    process.exit(0)
  }
  process.once('SIGTERM', () => void stop('SIGTERM'))
  process.once('SIGINT', () => void stop('SIGINT'))
  // Started by `pnpm start` with an IPC channel: when that supervisor dies, even by SIGKILL, stop too.
  process.once('disconnect', () => void stop('supervisor gone'))
  await app.listen({ port: config.port, host: config.host })
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(`admin: configuration error: ${error.message}`)
    process.exit(2)
  }
  console.error('admin: failed to start:', error)
  process.exit(1)
})
