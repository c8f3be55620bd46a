// The settings of the user service, declared once: what every process reads, the database, the access tokens it verifies by
// auth's JWKS and the session idle lifetime (the settings of every service that holds no keys). The README's settings
// table lists them (docs/operations.md#configuration); a test checks it and .env.example against these declarations.
import type { Env } from '@portcullis/shared/settings/load'
import { loadResourceServiceConfig, type ResourceServiceConfig, ResourceServiceSettings } from '@portcullis/shared/settings/resource-service'

export const UserSettings = ResourceServiceSettings

export type UserConfig = ResourceServiceConfig

/** The user service's settings from the environment (the process's own, unless given), checked. */
export function loadUserConfig(env: Env = process.env): UserConfig {
  return loadResourceServiceConfig(env)
}
