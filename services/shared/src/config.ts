// Every setting of every Portcullis process, read once from the environment and validated.
import path from 'node:path'

export type SigningAlgorithm = 'EdDSA' | 'ES256'

export type LogFormat = 'auto' | 'json' | 'pretty'

/** One instance of a service behind the gateway: where it serves requests, and where its /readyz answers. */
export interface Upstream {
  url: string
  managementUrl: string
}

/** How far above PORT a process's management port is when MANAGEMENT_PORT is not set: 8081 serves /readyz on 9081. */
export const MANAGEMENT_PORT_OFFSET = 1000

export interface Config {
  port: number
  host: string
  /** /healthz, /readyz and /metrics; never on the public port. */
  managementPort: number
  managementHost: string
  databaseUrl: string | undefined
  dataDir: string
  dbPoolSize: number
  adminUsername: string | undefined
  adminPassword: string | undefined
  accessTokenTtl: number
  refreshIdleTtl: number
  refreshAbsoluteTtl: number
  refreshReuseGrace: number
  logLevel: string
  logFormat: LogFormat
  rateLimitPerIp: number
  loginLimitPerIp: number
  redisUrl: string | undefined
  tokenIssuer: string
  tokenAudience: string
  signingAlgorithm: SigningAlgorithm
  argon2MemoryKib: number
  argon2TimeCost: number
  argon2Parallelism: number
  passwordMinLength: number
  loginAccountFreeFailures: number
  loginIpFreeFailures: number
  loginMaxBackoff: number
  cookieSecure: boolean
  trustProxy: string | boolean
  bodyLimit: number
  authUrl: string
  jwksUrl: string
  serviceClientId: string | undefined
  serviceClientSecret: string | undefined
  authUpstreams: Upstream[]
  userUpstreams: Upstream[]
  adminUpstreams: Upstream[]
  /** Gateway: the local address its connections to the services come from, which the services' TRUST_PROXY names. */
  proxySourceAddress: string | undefined
  /** auth: the key-encryption key that wraps the signing keys' private halves at rest (32 bytes), and older ones still read. */
  keyEncryptionKey: Buffer | undefined
  previousKeyEncryptionKeys: Buffer[]
  revocationPollMs: number
  upstreamTimeoutMs: number
  drainDelayMs: number
  webDir: string | undefined
}

export class ConfigError extends Error {
  override name = 'ConfigError'
}

type Env = Record<string, string | undefined>

function read(env: Env, name: string): string | undefined {
  const value = env[name]
  return value === undefined || value.trim() === '' ? undefined : value.trim()
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = read(env, name)
  if (raw === undefined) return fallback
  if (!/^-?\d+$/.test(raw)) throw new ConfigError(`${name} must be a whole number, got "${raw}"`)
  const value = Number(raw)
  if (value < min || value > max) throw new ConfigError(`${name} must be between ${min} and ${max}, got ${value}`)
  return value
}

function oneOf<T extends string>(env: Env, name: string, fallback: T, allowed: readonly T[]): T {
  const raw = read(env, name)
  if (raw === undefined) return fallback
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(`${name} must be one of ${allowed.join(', ')}, got "${raw}"`)
  }
  return raw as T
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = read(env, name)
  if (raw === undefined) return fallback
  if (/^(1|true|yes|on)$/i.test(raw)) return true
  if (/^(0|false|no|off)$/i.test(raw)) return false
  throw new ConfigError(`${name} must be true or false, got "${raw}"`)
}

function url(env: Env, name: string, protocols: readonly string[]): string | undefined {
  const raw = read(env, name)
  if (raw === undefined) return undefined
  let parsed: URL
  try {
    parsed = new URL(raw)
  } catch {
    throw new ConfigError(`${name} must be a URL, got "${redactUrl(raw)}"`)
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(`${name} must start with ${protocols.map((p) => `${p}//`).join(' or ')}, got "${redactUrl(raw)}"`)
  }
  return raw
}

/** The management URL of an instance at `publicUrl`: the same host, its port plus MANAGEMENT_PORT_OFFSET. */
export function defaultManagementUrl(publicUrl: string): string {
  const parsed = new URL(publicUrl)
  const port = Number(parsed.port || (parsed.protocol === 'https:' ? 443 : 80))
  parsed.port = String(port + MANAGEMENT_PORT_OFFSET)
  return parsed.origin
}

/**
 * Instances of a service: `URL` (its management port is the port plus 1000), or `URL|MANAGEMENT` where MANAGEMENT is a port
 * on the same host or a URL of its own; comma-separated.
 */
function upstreamList(env: Env, name: string, fallback: string[]): Upstream[] {
  const raw = read(env, name)
  const entries =
    raw === undefined
      ? fallback
      : raw
          .split(',')
          .map((item) => item.trim())
          .filter(Boolean)
  if (entries.length === 0) throw new ConfigError(`${name} must list at least one http:// URL`)
  return entries.map((entry) => {
    const [publicPart = '', managementPart, ...rest] = entry.split('|').map((part) => part.trim())
    if (rest.length > 0) throw new ConfigError(`${name}: "${entry}" has more than one "|"; write URL or URL|MANAGEMENT_PORT`)
    const publicUrl = (url({ [name]: publicPart }, name, ['http:', 'https:']) ?? '').replace(/\/$/, '')
    let managementUrl: string
    if (managementPart === undefined || managementPart === '') {
      managementUrl = defaultManagementUrl(publicUrl)
    } else if (/^\d+$/.test(managementPart)) {
      const port = Number(managementPart)
      if (port < 1 || port > 65_535) throw new ConfigError(`${name}: the management port of "${entry}" must be between 1 and 65535`)
      const parsed = new URL(publicUrl)
      parsed.port = String(port)
      managementUrl = parsed.origin
    } else {
      managementUrl = (url({ [name]: managementPart }, name, ['http:', 'https:']) ?? '').replace(/\/$/, '')
    }
    return { url: publicUrl, managementUrl }
  })
}

/** A 32-byte key, written as 64 hex digits or as base64 / base64url. */
function encryptionKey(name: string, raw: string): Buffer {
  const key = /^[0-9a-fA-F]{64}$/.test(raw) ? Buffer.from(raw, 'hex') : Buffer.from(raw, 'base64url')
  if (key.length !== 32 || (!/^[0-9a-fA-F]{64}$/.test(raw) && !/^[A-Za-z0-9+/_-]{43}=?$/.test(raw))) {
    throw new ConfigError(`${name} must be 32 random bytes as 64 hex digits or 44 base64 characters (openssl rand -base64 32)`)
  }
  return key
}

function encryptionKeys(env: Env, name: string): Buffer[] {
  const raw = read(env, name)
  if (raw === undefined) return []
  return raw
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)
    .map((item) => encryptionKey(name, item))
}

function redactUrl(raw: string): string {
  return raw.replace(/\/\/([^:@/]*):([^@/]*)@/, '//$1:***@')
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const

export function loadConfig(env: Env = process.env): Config {
  const accessTokenTtl = integer(env, 'ACCESS_TOKEN_TTL', 600, 30, 86_400)
  const refreshIdleTtl = integer(env, 'REFRESH_IDLE_TTL', 604_800, 60, 31_536_000)
  const refreshAbsoluteTtl = integer(env, 'REFRESH_ABSOLUTE_TTL', 2_592_000, 60, 31_536_000)
  if (refreshAbsoluteTtl < refreshIdleTtl) {
    throw new ConfigError(`REFRESH_ABSOLUTE_TTL (${refreshAbsoluteTtl}) must not be shorter than REFRESH_IDLE_TTL (${refreshIdleTtl})`)
  }
  const adminPassword = read(env, 'ADMIN_PASSWORD')
  const passwordMinLength = integer(env, 'PASSWORD_MIN_LENGTH', 8, 8, 128)
  if (adminPassword !== undefined && adminPassword.length < passwordMinLength) {
    throw new ConfigError(`ADMIN_PASSWORD must be at least ${passwordMinLength} characters long`)
  }
  const trustProxyRaw = read(env, 'TRUST_PROXY')
  const port = integer(env, 'PORT', 8080, 0, 65_535)
  const host = read(env, 'HOST') ?? '127.0.0.1'
  const managementPort = integer(env, 'MANAGEMENT_PORT', port === 0 ? 0 : Math.min(65_535, port + MANAGEMENT_PORT_OFFSET), 0, 65_535)
  if (managementPort !== 0 && managementPort === port) throw new ConfigError(`MANAGEMENT_PORT must differ from PORT (both are ${port})`)
  const authUrl = (url(env, 'AUTH_URL', ['http:', 'https:']) ?? 'http://127.0.0.1:8081').replace(/\/$/, '')
  const keyEncryptionKeyRaw = read(env, 'KEY_ENCRYPTION_KEY')
  const previousKeyEncryptionKeys = encryptionKeys(env, 'KEY_ENCRYPTION_KEY_PREVIOUS')
  if (!keyEncryptionKeyRaw && previousKeyEncryptionKeys.length > 0) {
    throw new ConfigError('KEY_ENCRYPTION_KEY_PREVIOUS needs KEY_ENCRYPTION_KEY: the previous keys are only read, the current one wraps')
  }
  return {
    port,
    host,
    managementPort,
    managementHost: read(env, 'MANAGEMENT_HOST') ?? host,
    databaseUrl: url(env, 'DATABASE_URL', ['mysql:', 'mariadb:']),
    dataDir: path.resolve(read(env, 'DATA_DIR') ?? '.data'),
    dbPoolSize: integer(env, 'DB_POOL_SIZE', 10, 1, 500),
    adminUsername: read(env, 'ADMIN_USERNAME'),
    adminPassword,
    accessTokenTtl,
    refreshIdleTtl,
    refreshAbsoluteTtl,
    refreshReuseGrace: integer(env, 'REFRESH_REUSE_GRACE', 10, 0, 300),
    logLevel: oneOf(env, 'LOG_LEVEL', 'info', LOG_LEVELS),
    logFormat: oneOf(env, 'LOG_FORMAT', 'auto', ['auto', 'json', 'pretty'] as const),
    rateLimitPerIp: integer(env, 'RATE_LIMIT_PER_IP', 1200, 0, 10_000_000),
    loginLimitPerIp: integer(env, 'LOGIN_LIMIT_PER_IP', 30, 0, 10_000_000),
    redisUrl: url(env, 'REDIS_URL', ['redis:', 'rediss:']),
    tokenIssuer: read(env, 'TOKEN_ISSUER') ?? 'portcullis',
    tokenAudience: read(env, 'TOKEN_AUDIENCE') ?? 'portcullis',
    signingAlgorithm: oneOf(env, 'SIGNING_ALG', 'EdDSA', ['EdDSA', 'ES256'] as const),
    argon2MemoryKib: integer(env, 'ARGON2_MEMORY_KIB', 19_456, 1024, 4_194_304),
    argon2TimeCost: integer(env, 'ARGON2_TIME_COST', 2, 1, 20),
    argon2Parallelism: integer(env, 'ARGON2_PARALLELISM', 1, 1, 16),
    passwordMinLength,
    loginAccountFreeFailures: integer(env, 'LOGIN_ACCOUNT_FREE_FAILURES', 5, 1, 1000),
    loginIpFreeFailures: integer(env, 'LOGIN_IP_FREE_FAILURES', 50, 1, 100_000),
    loginMaxBackoff: integer(env, 'LOGIN_MAX_BACKOFF', 900, 1, 86_400),
    cookieSecure: boolean(env, 'COOKIE_SECURE', true),
    trustProxy: trustProxyRaw === undefined ? false : /^true$/i.test(trustProxyRaw) ? true : trustProxyRaw,
    bodyLimit: integer(env, 'BODY_LIMIT', 16_384, 1024, 10_485_760),
    authUrl,
    jwksUrl: url(env, 'JWKS_URL', ['http:', 'https:']) ?? `${authUrl}/auth/.well-known/jwks.json`,
    serviceClientId: read(env, 'SERVICE_CLIENT_ID'),
    serviceClientSecret: read(env, 'SERVICE_CLIENT_SECRET'),
    authUpstreams: upstreamList(env, 'AUTH_UPSTREAMS', [authUrl]),
    userUpstreams: upstreamList(env, 'USER_UPSTREAMS', ['http://127.0.0.1:8082']),
    adminUpstreams: upstreamList(env, 'ADMIN_UPSTREAMS', ['http://127.0.0.1:8083']),
    proxySourceAddress: read(env, 'PROXY_SOURCE_ADDRESS'),
    keyEncryptionKey: keyEncryptionKeyRaw === undefined ? undefined : encryptionKey('KEY_ENCRYPTION_KEY', keyEncryptionKeyRaw),
    previousKeyEncryptionKeys,
    revocationPollMs: integer(env, 'REVOCATION_POLL_MS', 1000, 100, 5000),
    upstreamTimeoutMs: integer(env, 'UPSTREAM_TIMEOUT_MS', 10_000, 100, 120_000),
    drainDelayMs: integer(env, 'DRAIN_DELAY_MS', 2000, 0, 60_000),
    webDir: read(env, 'WEB_DIR') === undefined ? undefined : path.resolve(read(env, 'WEB_DIR') as string),
  }
}
