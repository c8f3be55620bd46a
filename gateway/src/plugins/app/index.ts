// The gateway's own plugins: its context (settings, the instances of each service).
import type { FastifyInstance } from 'fastify'
import { type GatewayContextOptions, gatewayContextPlugin } from './context.ts'

export async function registerAppPlugins(app: FastifyInstance, options: GatewayContextOptions): Promise<void> {
  await app.register(gatewayContextPlugin, options)
}
