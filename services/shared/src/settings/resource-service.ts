// The settings of a service that holds no keys (user, admin): what every process reads, the database, the tokens it verifies
// by auth's JWKS, how recent a sign-in must be for a credential change (the user's email), and the idle lifetime its session queries share with auth (sessions/liveness.ts).
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
  type StepUpConfig,
  StepUpSettings,
  stepUpConfig,
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
  ...StepUpSettings.properties,
})

export interface ResourceServiceConfig extends CommonConfig, DatabaseConfig, TokenConfig, AuthLocationConfig, LinkConfig, StepUpConfig {
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
    ...stepUpConfig(values),
    refreshIdleTtl: values.REFRESH_IDLE_TTL,
  }
}

export function loadResourceServiceConfig(env: Env): ResourceServiceConfig {
  return resourceServiceConfig(readSettings(ResourceServiceSettings, env))
}
