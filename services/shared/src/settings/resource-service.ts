// The settings of a service that holds no keys (user, admin): what every process reads, the database, the tokens it verifies
// by auth's JWKS, and the idle lifetime its session queries share with auth (sessions/liveness.ts).
import { type Static, Type } from 'typebox'
import { type CommonConfig, CommonSettings, commonConfig } from './common.ts'
import { type DatabaseConfig, DatabaseSettings, databaseConfig } from './database.ts'
import { type LinkConfig, LinkSettings, linkConfig } from './links.ts'
import { type Env, readSettings } from './load.ts'
import {
  type AuthLocationConfig,
  AuthLocationSettings,
  authLocationConfig,
  SessionIdleSettings,
  type TokenConfig,
  TokenSettings,
  tokenConfig,
} from './tokens.ts'

export const ResourceServiceSettings = Type.Object({
  ...CommonSettings.properties,
  ...DatabaseSettings.properties,
  ...TokenSettings.properties,
  ...AuthLocationSettings.properties,
  ...SessionIdleSettings.properties,
  ...LinkSettings.properties,
})

export interface ResourceServiceConfig extends CommonConfig, DatabaseConfig, TokenConfig, AuthLocationConfig, LinkConfig {
  refreshIdleTtl: number
}

export function resourceServiceConfig(values: Static<typeof ResourceServiceSettings>): ResourceServiceConfig {
  const common = commonConfig(values)
  return {
    ...common,
    ...databaseConfig(values),
    ...tokenConfig(values),
    ...authLocationConfig(values),
    ...linkConfig(values, common.port),
    refreshIdleTtl: values.REFRESH_IDLE_TTL,
  }
}

export function loadResourceServiceConfig(env: Env): ResourceServiceConfig {
  return resourceServiceConfig(readSettings(ResourceServiceSettings, env))
}
