// The settings of the OpenID Connect provider, declared once: what every process reads, the database (its state, its clients
// and the key ring live there), PUBLIC_URL (its issuer), the access tokens of Portcullis it reads from the browser to know who
// is signed in (TOKEN_ISSUER, TOKEN_AUDIENCE, ACCESS_TOKEN_TTL, which is also how long a retired signing key stays published
// and how long its own access and ID tokens live), how long sessions live (REFRESH_IDLE_TTL and REFRESH_ABSOLUTE_TTL, which
// bound its refresh tokens and grants as they bound Portcullis sessions), and the key ring's settings (SIGNING_ALG,
// KEY_ENCRYPTION_KEY), shared with auth. The README's settings table lists them (scripts/settings-table.ts); a test checks it
// and .env.example against these declarations.
import { type Static, Type } from 'typebox'
import { type CommonConfig, CommonSettings, commonConfig } from '@portcullis/shared/settings/common'
import { type DatabaseConfig, DatabaseSettings, databaseConfig } from '@portcullis/shared/settings/database'
import { LinkSettings, publicUrlConfig } from '@portcullis/shared/settings/links'
import { ConfigError, type Env, readSettings } from '@portcullis/shared/settings/load'
import { type SigningKeyConfig, SigningKeySettings, signingKeyConfig } from '@portcullis/shared/settings/signing-keys'
import { SessionAbsoluteSettings, SessionIdleSettings, type TokenConfig, TokenSettings, tokenConfig } from '@portcullis/shared/settings/tokens'

export const OidcSettings = Type.Object({
  ...CommonSettings.properties,
  ...DatabaseSettings.properties,
  PUBLIC_URL: LinkSettings.properties.PUBLIC_URL,
  ...TokenSettings.properties,
  ...SessionIdleSettings.properties,
  ...SessionAbsoluteSettings.properties,
  ...SigningKeySettings.properties,
})

export interface OidcConfig extends CommonConfig, DatabaseConfig, SigningKeyConfig, TokenConfig {
  /** The issuer: PUBLIC_URL, the origin users and relying parties reach Portcullis at. */
  publicUrl: string
  /** REFRESH_IDLE_TTL, seconds: a refresh token not used for this long expires, as a Portcullis session does. */
  refreshIdleTtl: number
  /** REFRESH_ABSOLUTE_TTL, seconds: a sign-in to another app (its grant) lasts no longer than a Portcullis session can. */
  refreshAbsoluteTtl: number
}

export function oidcConfig(values: Static<typeof OidcSettings>): OidcConfig {
  const common = commonConfig(values)
  if (values.REFRESH_ABSOLUTE_TTL < values.REFRESH_IDLE_TTL) {
    throw new ConfigError(`REFRESH_ABSOLUTE_TTL (${values.REFRESH_ABSOLUTE_TTL}) must not be shorter than REFRESH_IDLE_TTL (${values.REFRESH_IDLE_TTL})`)
  }
  return {
    ...common,
    ...databaseConfig(values),
    ...signingKeyConfig(values),
    ...tokenConfig(values),
    publicUrl: publicUrlConfig(values.PUBLIC_URL, common.port),
    refreshIdleTtl: values.REFRESH_IDLE_TTL,
    refreshAbsoluteTtl: values.REFRESH_ABSOLUTE_TTL,
  }
}

/** The provider's settings from the environment (the process's own, unless given), checked. */
export function loadOidcConfig(env: Env = process.env): OidcConfig {
  return oidcConfig(readSettings(OidcSettings, env))
}
