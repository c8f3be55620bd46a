// What `pnpm start` and `pnpm start:tls` read from the environment: each process's own settings (declared once, in that
// process's config.ts), checked all together before anything starts, and the few settings of the commands themselves. Each
// process of the stack is given only its own settings, plus what is no Portcullis setting at all (PATH, HOME, NODE_OPTIONS).
import { type Static, type TObject, Type } from 'typebox'
import { type AuthConfig, AuthSettings, loadAuthConfig } from '@portcullis/auth/config'
import { AdminSettings, loadAdminConfig } from '@portcullis/admin/config'
import { type GatewayConfig, GatewaySettings, loadGatewayConfig } from '@portcullis/gateway/config'
import { CommonSettings } from '@portcullis/shared/settings/common'
import { loadOidcConfig, OidcSettings } from '@portcullis/oidc/config'
import { LinkSettings } from '@portcullis/shared/settings/links'
import { ConfigError, type Env, readSettings } from '@portcullis/shared/settings/load'
import { loadUserConfig, UserSettings } from '@portcullis/user/config'

export type StackProcess = 'auth' | 'user' | 'admin' | 'oidc' | 'gateway'

/** The settings each process of the stack reads: its own declaration, nothing copied. */
export const PROCESS_SETTINGS: Record<StackProcess, TObject> = {
  auth: AuthSettings,
  user: UserSettings,
  admin: AdminSettings,
  oidc: OidcSettings,
  gateway: GatewaySettings,
}

const Port = (fallback: number, description: string) => Type.Integer({ minimum: 1, maximum: 65_535, default: fallback, description })

/** `pnpm start:tls` only: the local Nginx in front of the stack. */
export const TlsSettings = Type.Object({
  HTTPS_PORT: Port(8443, "pnpm start:tls: the local Nginx's HTTPS port"),
  HTTP_PORT: Port(8088, 'pnpm start:tls: its plain HTTP port, which redirects to HTTPS'),
})

/** Which of the gateway's settings the operator gave at all: the stack chooses the rest. */
const GivenSettings = Type.Object({
  MANAGEMENT_PORT: CommonSettings.properties.MANAGEMENT_PORT,
  TRUST_PROXY: CommonSettings.properties.TRUST_PROXY,
  PUBLIC_URL: LinkSettings.properties.PUBLIC_URL,
})

export interface StackConfig {
  /** The database, DATA_DIR and the first admin: the stack prepares them as auth would. */
  auth: AuthConfig
  /** PORT, HOST, MANAGEMENT_PORT, MANAGEMENT_HOST: the gateway's, the stack's one public port. */
  gateway: GatewayConfig
  /** MANAGEMENT_PORT was given (and is not 0): the gateway serves /healthz, /readyz and /metrics there, else on a free port. */
  gatewayManagementPortGiven: boolean
  /** The gateway's TRUST_PROXY as given (unset: none); the services' own is the gateway's address, whatever is given. */
  gatewayTrustProxy: string
  /** PUBLIC_URL was given: the links in mails point there, else to the stack's own address. */
  publicUrlGiven: boolean
  /** What each process inherits: its own settings as given, and every variable that is no Portcullis setting. */
  inherited: Record<StackProcess, Env>
}

/** Every name any Portcullis process (or pnpm start:tls) reads. */
export function settingNames(): Set<string> {
  return new Set([...Object.values(PROCESS_SETTINGS), TlsSettings].flatMap((schema) => Object.keys(schema.properties)))
}

function inheritedBy(schema: TObject, env: Env, names: Set<string>): Env {
  const own = new Set(Object.keys(schema.properties))
  return Object.fromEntries(Object.entries(env).filter(([name]) => own.has(name) || !names.has(name)))
}

/** The settings of every process the stack runs, checked before any starts (a bad ARGON2_TIME_COST stops pnpm start at once). */
export function loadStackConfig(env: Env = process.env): StackConfig {
  const auth = loadAuthConfig(env)
  loadUserConfig(env)
  loadAdminConfig(env)
  loadOidcConfig(env)
  const gateway = loadGatewayConfig(env)
  const given = readSettings(GivenSettings, env)
  const names = settingNames()
  return {
    auth,
    gateway,
    gatewayManagementPortGiven: given.MANAGEMENT_PORT !== undefined && given.MANAGEMENT_PORT !== 0,
    gatewayTrustProxy: given.TRUST_PROXY ?? '',
    publicUrlGiven: given.PUBLIC_URL !== undefined,
    inherited: {
      auth: inheritedBy(AuthSettings, env, names),
      user: inheritedBy(UserSettings, env, names),
      admin: inheritedBy(AdminSettings, env, names),
      oidc: inheritedBy(OidcSettings, env, names),
      gateway: inheritedBy(GatewaySettings, env, names),
    },
  }
}

export interface TlsConfig {
  httpsPort: number
  httpPort: number
}

/** HTTPS_PORT and HTTP_PORT (the redirect) of `pnpm start:tls`. */
export function loadTlsConfig(env: Env = process.env): TlsConfig {
  const values: Static<typeof TlsSettings> = readSettings(TlsSettings, env)
  if (values.HTTPS_PORT === values.HTTP_PORT) throw new ConfigError(`HTTPS_PORT and HTTP_PORT must differ, both are ${values.HTTPS_PORT}`)
  return { httpsPort: values.HTTPS_PORT, httpPort: values.HTTP_PORT }
}

/** The directories of PATH, where the stack looks for Nginx. */
export function searchPath(env: Env = process.env): string[] {
  return (env.PATH ?? '').split(':').filter(Boolean)
}
