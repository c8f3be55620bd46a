// What the gateway's routes are given: its settings and the instances of each service. Built by the one context-plugin
// factory every service uses.
import type { FastifyInstance } from 'fastify'
import { contextPlugin } from '@portcullis/shared/plugins/context'
import type { GatewayConfig } from '../../config.ts'
import type { UpstreamPool } from '../../upstreams/pool.ts'

export interface UpstreamPools {
  auth: UpstreamPool
  user: UpstreamPool
  admin: UpstreamPool
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The gateway's settings (config.ts). */
    gatewayConfig: GatewayConfig
    /** The instances of each service, probed on their management ports. */
    upstreams: UpstreamPools
  }
}

export type GatewayContext = Pick<FastifyInstance, 'gatewayConfig' | 'upstreams'>

export interface GatewayContextOptions {
  config: GatewayConfig
  upstreams: UpstreamPools
}

export const gatewayContextPlugin = contextPlugin(
  'gateway-context',
  (options: GatewayContextOptions): GatewayContext => ({ gatewayConfig: options.config, upstreams: options.upstreams }),
)
