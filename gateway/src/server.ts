// Starts one gateway instance: reads the environment, connects Redis when REDIS_URL is set, listens, drains on SIGTERM.
import { Redis } from 'ioredis'
import { ConfigError, loadConfig } from '@portcullis/shared/config'
import { buildGatewayApp } from './app.ts'

async function main(): Promise<void> {
  const config = loadConfig()
  const redis = config.redisUrl ? new Redis(config.redisUrl, { maxRetriesPerRequest: 1, connectTimeout: 1000, enableOfflineQueue: false }) : undefined
  redis?.on('error', () => {})
  const app = await buildGatewayApp({ config, redis })
  let closing = false
  const stop = async (signal: string) => {
    if (closing) return
    closing = true
    app.log.info({ signal }, 'draining')
    await app.close()
    redis?.disconnect()
    process.exit(0)
  }
  process.once('SIGTERM', () => void stop('SIGTERM'))
  process.once('SIGINT', () => void stop('SIGINT'))
  process.once('disconnect', () => void stop('supervisor gone'))
  await app.listen({ port: config.port, host: config.host })
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(`gateway: configuration error: ${error.message}`)
    process.exit(2)
  }
  console.error('gateway: failed to start:', error)
  process.exit(1)
})
