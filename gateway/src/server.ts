// Starts one gateway instance: reads the environment, connects Redis when REDIS_URL is set, listens, drains on SIGTERM.
import { Redis } from 'ioredis'
import { runService } from '@portcullis/shared/run-service'
import { buildGatewayApp } from './app.ts'
import { loadGatewayConfig } from './config.ts'

runService('gateway', loadGatewayConfig, async (config) => {
  const redis = config.redisUrl ? new Redis(config.redisUrl, { maxRetriesPerRequest: 1, connectTimeout: 1000, enableOfflineQueue: false }) : undefined
  redis?.on('error', () => {})
  const app = await buildGatewayApp({ config, redis })
  return { app, close: async () => redis?.disconnect() }
})
