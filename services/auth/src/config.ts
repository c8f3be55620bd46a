// The settings of the auth service (and of its commands: migrate, create-admin, rotate-keys, create-client), declared once:
// what every process reads, the database, the tokens it signs, the sessions it keeps, password hashing and login back-off.
// The README's settings table lists them (docs/operations.md#configuration); a test checks it and .env.example against
// these declarations.
import { type Static, Type } from 'typebox'
import { type CommonConfig, CommonSettings, commonConfig } from '@portcullis/shared/settings/common'
import { type DatabaseConfig, DatabaseSettings, databaseConfig } from '@portcullis/shared/settings/database'
import { ConfigError, type Env, readSettings } from '@portcullis/shared/settings/load'
import { type LinkConfig, LinkSettings, linkConfig } from '@portcullis/shared/settings/links'
import {
  SessionAbsoluteSettings,
  SessionIdleSettings,
  type StepUpConfig,
  StepUpSettings,
  stepUpConfig,
  type TokenConfig,
  TokenSettings,
  tokenConfig,
} from '@portcullis/shared/settings/tokens'
import { type SigningAlgorithm, type SigningKeyConfig, SigningKeySettings, signingKeyConfig } from '@portcullis/shared/settings/signing-keys'
import { checkedUrl } from '@portcullis/shared/settings/url'

export type { SigningAlgorithm }

/** libuv's own thread-pool size, which auth raises to one thread per core (argon2 hashes on that pool). */
const LIBUV_DEFAULT_THREADS = 4

const ThreadPoolSettings = Type.Object({
  UV_THREADPOOL_SIZE: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: 1024,
      description: "threads hashing passwords at once (argon2 runs on libuv's pool); unset: one per core, at least 4",
    }),
  ),
})

export const AuthOwnSettings = Type.Object({
  ...SessionAbsoluteSettings.properties,
  REFRESH_REUSE_GRACE: Type.Integer({
    minimum: 0,
    maximum: 300,
    default: 10,
    description: 'how long a rotated refresh token still gets the same successor (two tabs refreshing at once), seconds',
  }),
  ARGON2_MEMORY_KIB: Type.Integer({ minimum: 1024, maximum: 4_194_304, default: 19_456, description: 'argon2id memory per hash, KiB (OWASP: 19 MiB)' }),
  ARGON2_TIME_COST: Type.Integer({ minimum: 1, maximum: 20, default: 2, description: 'argon2id passes' }),
  ARGON2_PARALLELISM: Type.Integer({ minimum: 1, maximum: 16, default: 1, description: 'argon2id lanes' }),
  PASSWORD_MIN_LENGTH: Type.Integer({ minimum: 8, maximum: 128, default: 8, description: 'shortest password accepted (never below 8)' }),
  LOGIN_ACCOUNT_FREE_FAILURES: Type.Integer({
    minimum: 1,
    maximum: 1000,
    default: 5,
    description: 'failed logins per account and IP before the waits start doubling',
  }),
  LOGIN_IP_FREE_FAILURES: Type.Integer({ minimum: 1, maximum: 100_000, default: 50, description: 'failed logins per IP before the waits start doubling' }),
  LOGIN_MAX_BACKOFF: Type.Integer({ minimum: 1, maximum: 86_400, default: 900, description: 'the longest login back-off, seconds' }),
  COOKIE_SECURE: Type.Boolean({ default: true, description: 'mark the refresh cookie Secure (browsers accept it on http://localhost too)' }),
  ADMIN_USERNAME: Type.Optional(Type.String({ description: 'the first admin, created at start-up if no admin exists; unset: admin' })),
  ADMIN_PASSWORD: Type.Optional(Type.String({ secret: true, description: "the first admin's password; unset: one is generated and printed once" })),
  SMTP_URL: Type.Optional(
    Type.String({
      secret: true,
      description:
        'the mail relay: smtp://[user:pass@]host:port (STARTTLS when offered) or smtps:// (TLS from the start); unset: mail is kept in DATA_DIR/mail',
    }),
  ),
  MAIL_FROM: Type.String({ default: 'Portcullis <no-reply@localhost>', description: 'the From of every mail' }),
  SMTP_CA_FILE: Type.Optional(
    Type.String({ description: "a PEM file of the certificate authority the relay's certificate is signed by, besides the system's" }),
  ),
  ...ThreadPoolSettings.properties,
})

export const AuthSettings = Type.Object({
  ...CommonSettings.properties,
  ...DatabaseSettings.properties,
  ...TokenSettings.properties,
  ...SessionIdleSettings.properties,
  ...LinkSettings.properties,
  ...StepUpSettings.properties,
  ...SigningKeySettings.properties,
  ...AuthOwnSettings.properties,
})

export interface AuthConfig extends CommonConfig, DatabaseConfig, TokenConfig, LinkConfig, StepUpConfig, SigningKeyConfig {
  refreshIdleTtl: number
  refreshAbsoluteTtl: number
  refreshReuseGrace: number
  argon2MemoryKib: number
  argon2TimeCost: number
  argon2Parallelism: number
  passwordMinLength: number
  loginAccountFreeFailures: number
  loginIpFreeFailures: number
  loginMaxBackoff: number
  cookieSecure: boolean
  adminUsername: string | undefined
  adminPassword: string | undefined
  /** undefined: mail is written to DATA_DIR/mail instead of sent. */
  smtpUrl: string | undefined
  mailFrom: string
  smtpCaFile: string | undefined
}

export function authConfig(values: Static<typeof AuthSettings>): AuthConfig {
  if (values.REFRESH_ABSOLUTE_TTL < values.REFRESH_IDLE_TTL) {
    throw new ConfigError(`REFRESH_ABSOLUTE_TTL (${values.REFRESH_ABSOLUTE_TTL}) must not be shorter than REFRESH_IDLE_TTL (${values.REFRESH_IDLE_TTL})`)
  }
  if (values.ADMIN_PASSWORD !== undefined && values.ADMIN_PASSWORD.length < values.PASSWORD_MIN_LENGTH) {
    throw new ConfigError(`ADMIN_PASSWORD must be at least ${values.PASSWORD_MIN_LENGTH} characters long`)
  }
  const common = commonConfig(values)
  return {
    ...common,
    ...databaseConfig(values),
    ...tokenConfig(values),
    ...linkConfig(values, common.port),
    ...stepUpConfig(values),
    ...signingKeyConfig(values),
    refreshIdleTtl: values.REFRESH_IDLE_TTL,
    refreshAbsoluteTtl: values.REFRESH_ABSOLUTE_TTL,
    refreshReuseGrace: values.REFRESH_REUSE_GRACE,
    argon2MemoryKib: values.ARGON2_MEMORY_KIB,
    argon2TimeCost: values.ARGON2_TIME_COST,
    argon2Parallelism: values.ARGON2_PARALLELISM,
    passwordMinLength: values.PASSWORD_MIN_LENGTH,
    loginAccountFreeFailures: values.LOGIN_ACCOUNT_FREE_FAILURES,
    loginIpFreeFailures: values.LOGIN_IP_FREE_FAILURES,
    loginMaxBackoff: values.LOGIN_MAX_BACKOFF,
    cookieSecure: values.COOKIE_SECURE,
    adminUsername: values.ADMIN_USERNAME,
    adminPassword: values.ADMIN_PASSWORD,
    smtpUrl: values.SMTP_URL === undefined ? undefined : checkedUrl('SMTP_URL', values.SMTP_URL, ['smtp:', 'smtps:']),
    mailFrom: values.MAIL_FROM,
    smtpCaFile: values.SMTP_CA_FILE,
  }
}

/** The auth service's settings from the environment (the process's own, unless given), checked; ConfigError names what is wrong. */
export function loadAuthConfig(env: Env = process.env): AuthConfig {
  return authConfig(readSettings(AuthSettings, env))
}

/** libuv's pool size for this process: UV_THREADPOOL_SIZE as the operator set it, else one thread per core but never below 4. */
export function threadPoolSize(env: Env, cores: number): string {
  return String(readSettings(ThreadPoolSettings, env).UV_THREADPOOL_SIZE ?? Math.max(LIBUV_DEFAULT_THREADS, cores))
}

/**
 * Sets UV_THREADPOOL_SIZE for this process before anything starts libuv's pool (it reads the variable once). A value that is
 * not a number is left for loadAuthConfig to refuse with its message.
 */
export function sizeThreadPool(cores: number): void {
  try {
    process.env.UV_THREADPOOL_SIZE = threadPoolSize(process.env, cores)
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
  }
}
