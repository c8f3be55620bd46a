// The settings of the OpenID Connect provider, declared once: what every process reads, the database (its state, its clients
// and the key ring live there), PUBLIC_URL (its issuer), ACCESS_TOKEN_TTL (how long a retired signing key stays published, as
// auth keeps it) and the key ring's settings (SIGNING_ALG, KEY_ENCRYPTION_KEY), shared with auth. The README's settings table
// lists them (scripts/settings-table.ts); a test checks it and .env.example against these declarations.
import { type Static, Type } from 'typebox'
import { type CommonConfig, CommonSettings, commonConfig } from '@portcullis/shared/settings/common'
import { type DatabaseConfig, DatabaseSettings, databaseConfig } from '@portcullis/shared/settings/database'
import { LinkSettings, publicUrlConfig } from '@portcullis/shared/settings/links'
import { type Env, readSettings } from '@portcullis/shared/settings/load'
import { type SigningKeyConfig, SigningKeySettings, signingKeyConfig } from '@portcullis/shared/settings/signing-keys'
import { TokenSettings } from '@portcullis/shared/settings/tokens'

export const OidcSettings = Type.Object({
  ...CommonSettings.properties,
  ...DatabaseSettings.properties,
  PUBLIC_URL: LinkSettings.properties.PUBLIC_URL,
  ACCESS_TOKEN_TTL: TokenSettings.properties.ACCESS_TOKEN_TTL,
  ...SigningKeySettings.properties,
})

export interface OidcConfig extends CommonConfig, DatabaseConfig, SigningKeyConfig {
  /** The issuer: PUBLIC_URL, the origin users and relying parties reach Portcullis at. */
  publicUrl: string
  accessTokenTtl: number
}

export function oidcConfig(values: Static<typeof OidcSettings>): OidcConfig {
  const common = commonConfig(values)
  return {
    ...common,
    ...databaseConfig(values),
    ...signingKeyConfig(values),
    publicUrl: publicUrlConfig(values.PUBLIC_URL, common.port),
    accessTokenTtl: values.ACCESS_TOKEN_TTL,
  }
}

/** The provider's settings from the environment (the process's own, unless given), checked. */
export function loadOidcConfig(env: Env = process.env): OidcConfig {
  return oidcConfig(readSettings(OidcSettings, env))
}
