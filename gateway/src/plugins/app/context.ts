// What the gateway's routes are given: its settings, the instances of each service, the teams' apps (APPS_FILE) with their
// limits, and where their identity tokens come from. Built by the one context-plugin factory every service uses.
import type { FastifyInstance } from 'fastify'
import { contextPlugin } from '@portcullis/shared/plugins/context'
import type { GatewayConfig } from '../../config.ts'
import type { AppRateLimiter } from '../../apps/app-rate-limit.ts'
import type { AppRegistry } from '../../apps/app-registry.ts'
import type { IdentitySource } from '../../apps/identity-headers.ts'
import type { UpstreamPool } from '../../upstreams/pool.ts'

export interface UpstreamPools {
  auth: UpstreamPool
  user: UpstreamPool
  admin: UpstreamPool
  /** The OpenID Connect provider: /.well-known/openid-configuration and /oidc. */
  oidc: UpstreamPool
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The gateway's settings (config.ts). */
    gatewayConfig: GatewayConfig
    /** The instances of each service, probed on their management ports. */
    upstreams: UpstreamPools
    /** The teams' own apps from APPS_FILE, reloaded on SIGHUP. */
    apps: AppRegistry
    appRateLimiter: AppRateLimiter
    /** The identity tokens sent to apps, from auth. */
    identities: IdentitySource
  }
}

export type GatewayContext = Pick<FastifyInstance, 'gatewayConfig' | 'upstreams' | 'apps' | 'appRateLimiter' | 'identities'>

export interface GatewayContextOptions {
  config: GatewayConfig
  upstreams: UpstreamPools
  apps: AppRegistry
  appRateLimiter: AppRateLimiter
  identities: IdentitySource
}

export const gatewayContextPlugin = contextPlugin(
  'gateway-context',
  (options: GatewayContextOptions): GatewayContext => ({
    gatewayConfig: options.config,
    upstreams: options.upstreams,
    apps: options.apps,
    appRateLimiter: options.appRateLimiter,
    identities: options.identities,
  }),
)
