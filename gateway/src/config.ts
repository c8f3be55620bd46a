// The settings of the gateway, declared once: what every process reads, the tokens it verifies, where auth and the services'
// instances are (the OpenID Connect provider's too), its rate limits, Redis, the revocation feed and the web app it serves. The README's settings table lists
// them (docs/operations.md#configuration); a test checks it and .env.example against these declarations.
import path from 'node:path'
import { type Static, Type } from 'typebox'
import { type CommonConfig, CommonSettings, commonConfig, MANAGEMENT_PORT_OFFSET } from '@portcullis/shared/settings/common'
import { ConfigError, type Env, readSettings } from '@portcullis/shared/settings/load'
import {
  type AuthLocationConfig,
  AuthLocationSettings,
  authLocationConfig,
  type TokenConfig,
  TokenSettings,
  tokenConfig,
} from '@portcullis/shared/settings/tokens'
import { checkedUrl, withoutTrailingSlash } from '@portcullis/shared/settings/url'

/** One instance of a service behind the gateway: where it serves requests, and where its /readyz answers. */
export interface Upstream {
  url: string
  managementUrl: string
}

const UPSTREAMS_SYNTAX = 'comma-separated instances, each URL (probed on its port + 1000), URL|MANAGEMENT_PORT or URL|MANAGEMENT_URL'

export const GatewayOwnSettings = Type.Object({
  RATE_LIMIT_PER_IP: Type.Integer({ minimum: 0, maximum: 10_000_000, default: 1200, description: 'requests per minute per client IP; 0 turns the limit off' }),
  LOGIN_LIMIT_PER_IP: Type.Integer({
    minimum: 0,
    maximum: 10_000_000,
    default: 30,
    description: 'logins (both steps), sign-ups, password resets and mail requests (forgot password, resend) per minute per client IP; 0 turns it off',
  }),
  REDIS_URL: Type.Optional(
    Type.String({ secret: true, description: 'rate-limit counters shared by several gateway instances (redis:// or rediss://); unset: in memory' }),
  ),
  AUTH_UPSTREAMS: Type.Optional(Type.String({ description: `the auth instances: ${UPSTREAMS_SYNTAX}; unset: AUTH_URL` })),
  USER_UPSTREAMS: Type.String({ default: 'http://127.0.0.1:8082', description: `the user instances: ${UPSTREAMS_SYNTAX}` }),
  ADMIN_UPSTREAMS: Type.String({ default: 'http://127.0.0.1:8083', description: `the admin instances: ${UPSTREAMS_SYNTAX}` }),
  OIDC_UPSTREAMS: Type.String({
    default: 'http://127.0.0.1:8084',
    description: `the OpenID Connect provider's instances (/.well-known/openid-configuration, /oidc): ${UPSTREAMS_SYNTAX}`,
  }),
  REVOCATION_POLL_MS: Type.Integer({ minimum: 100, maximum: 5000, default: 1000, description: 'how often the revocation feed is polled, ms' }),
  UPSTREAM_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 120_000, default: 10_000, description: 'how long a service may take to answer, ms' }),
  WEB_DIR: Type.Optional(Type.String({ description: 'the built web app to serve at / (pnpm start sets it); unset: the API only' })),
  PROXY_SOURCE_ADDRESS: Type.Optional(
    Type.String({ description: "the local address its connections to the services come from, which their TRUST_PROXY names; unset: the system's choice" }),
  ),
  SERVICE_CLIENT_ID: Type.Optional(
    Type.String({ description: "the gateway's client id for auth's internal API (the revocation feed): pnpm create-client gateway" }),
  ),
  SERVICE_CLIENT_SECRET: Type.Optional(Type.String({ secret: true, description: "that client's secret" })),
  APPS_FILE: Type.Optional(
    Type.String({ description: 'your own apps behind the gateway, a YAML or JSON file (docs/apps.md); read at start and on SIGHUP; unset: none' }),
  ),
})

export const GatewaySettings = Type.Object({
  ...CommonSettings.properties,
  ...TokenSettings.properties,
  ...AuthLocationSettings.properties,
  ...GatewayOwnSettings.properties,
})

export interface GatewayConfig extends CommonConfig, TokenConfig, AuthLocationConfig {
  rateLimitPerIp: number
  loginLimitPerIp: number
  redisUrl: string | undefined
  authUpstreams: Upstream[]
  userUpstreams: Upstream[]
  adminUpstreams: Upstream[]
  oidcUpstreams: Upstream[]
  revocationPollMs: number
  upstreamTimeoutMs: number
  webDir: string | undefined
  /** The local address its connections to the services come from, which the services' TRUST_PROXY names. */
  proxySourceAddress: string | undefined
  serviceClientId: string | undefined
  serviceClientSecret: string | undefined
  /** APPS_FILE, resolved; undefined: no apps. */
  appsFile: string | undefined
}

/** The management URL of an instance at `publicUrl`: the same host, its port plus MANAGEMENT_PORT_OFFSET. */
function defaultManagementUrl(publicUrl: string): string {
  const parsed = new URL(publicUrl)
  const port = Number(parsed.port || (parsed.protocol === 'https:' ? 443 : 80))
  parsed.port = String(port + MANAGEMENT_PORT_OFFSET)
  return parsed.origin
}

const HTTP = ['http:', 'https:']

/** One `URL`, `URL|MANAGEMENT_PORT` or `URL|MANAGEMENT_URL` of an upstream list. */
function upstream(name: string, entry: string): Upstream {
  const [publicPart = '', managementPart, ...rest] = entry.split('|').map((part) => part.trim())
  if (rest.length > 0) throw new ConfigError(`${name}: "${entry}" has more than one "|"; write URL or URL|MANAGEMENT_PORT`)
  const url = withoutTrailingSlash(checkedUrl(name, publicPart, HTTP))
  if (managementPart === undefined || managementPart === '') return { url, managementUrl: defaultManagementUrl(url) }
  if (!/^\d+$/.test(managementPart)) return { url, managementUrl: withoutTrailingSlash(checkedUrl(name, managementPart, HTTP)) }
  const port = Number(managementPart)
  if (port < 1 || port > 65_535) throw new ConfigError(`${name}: the management port of "${entry}" must be between 1 and 65535`)
  const parsed = new URL(url)
  parsed.port = String(port)
  return { url, managementUrl: parsed.origin }
}

function upstreamList(name: string, raw: string): Upstream[] {
  const entries = raw
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)
  if (entries.length === 0) throw new ConfigError(`${name} must list at least one http:// URL`)
  return entries.map((entry) => upstream(name, entry))
}

export function gatewayConfig(values: Static<typeof GatewaySettings>): GatewayConfig {
  const location = authLocationConfig(values)
  return {
    ...commonConfig(values),
    ...tokenConfig(values),
    ...location,
    rateLimitPerIp: values.RATE_LIMIT_PER_IP,
    loginLimitPerIp: values.LOGIN_LIMIT_PER_IP,
    redisUrl: values.REDIS_URL === undefined ? undefined : checkedUrl('REDIS_URL', values.REDIS_URL, ['redis:', 'rediss:']),
    authUpstreams: upstreamList('AUTH_UPSTREAMS', values.AUTH_UPSTREAMS ?? location.authUrl),
    userUpstreams: upstreamList('USER_UPSTREAMS', values.USER_UPSTREAMS),
    adminUpstreams: upstreamList('ADMIN_UPSTREAMS', values.ADMIN_UPSTREAMS),
    oidcUpstreams: upstreamList('OIDC_UPSTREAMS', values.OIDC_UPSTREAMS),
    revocationPollMs: values.REVOCATION_POLL_MS,
    upstreamTimeoutMs: values.UPSTREAM_TIMEOUT_MS,
    webDir: values.WEB_DIR === undefined ? undefined : path.resolve(values.WEB_DIR),
    proxySourceAddress: values.PROXY_SOURCE_ADDRESS,
    serviceClientId: values.SERVICE_CLIENT_ID,
    serviceClientSecret: values.SERVICE_CLIENT_SECRET,
    appsFile: values.APPS_FILE === undefined || values.APPS_FILE === '' ? undefined : path.resolve(values.APPS_FILE),
  }
}

/** The gateway's settings from the environment (the process's own, unless given), checked; ConfigError names what is wrong. */
export function loadGatewayConfig(env: Env = process.env): GatewayConfig {
  return gatewayConfig(readSettings(GatewaySettings, env))
}

/** Its client credentials for auth's internal API, required at start-up with a message naming what is missing. */
export function serviceCredentials(config: GatewayConfig): { clientId: string; clientSecret: string } {
  const { serviceClientId: clientId, serviceClientSecret: clientSecret } = config
  if (clientId === undefined || clientSecret === undefined) {
    const missing = [clientId === undefined ? 'SERVICE_CLIENT_ID' : undefined, clientSecret === undefined ? 'SERVICE_CLIENT_SECRET' : undefined]
    throw new ConfigError(`${missing.filter(Boolean).join(' and ')} must be set: the gateway reads the revocation feed with them`)
  }
  return { clientId, clientSecret }
}
