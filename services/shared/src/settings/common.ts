// The settings every Portcullis process reads: where it listens, its management port, logging, body size, proxies, draining.
import { type Static, Type } from 'typebox'
import { ConfigError, type Env, readSettings } from './load.ts'

export type LogFormat = 'auto' | 'json' | 'pretty'

/** How far above PORT a process's management port is when MANAGEMENT_PORT is not set: 8081 serves /readyz on 9081. */
export const MANAGEMENT_PORT_OFFSET = 1000

const Port = (description: string, fallback?: number) =>
  Type.Integer({ minimum: 0, maximum: 65_535, description, ...(fallback === undefined ? {} : { default: fallback }) })

export const CommonSettings = Type.Object({
  PORT: Port("the public port of this process (0: any free one); for pnpm start, the gateway's: the stack's one public port", 8080),
  HOST: Type.String({ default: '127.0.0.1', description: 'address the process binds to (0.0.0.0 in containers)' }),
  MANAGEMENT_PORT: Type.Optional(
    Port('/healthz, /readyz and /metrics, never on the public port; unset: PORT + 1000, 0: any free one (pnpm start picks free ones for its children)'),
  ),
  MANAGEMENT_HOST: Type.Optional(Type.String({ description: 'address the management port binds to; unset: HOST' })),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((level) => Type.Literal(level)),
    {
      default: 'info',
      description: 'pino level: fatal, error, warn, info, debug, trace or silent',
    },
  ),
  LOG_FORMAT: Type.Union([Type.Literal('auto'), Type.Literal('json'), Type.Literal('pretty')], {
    default: 'auto',
    description: 'auto (readable lines on a terminal, JSON lines otherwise), json or pretty',
  }),
  BODY_LIMIT: Type.Integer({ minimum: 1024, maximum: 10_485_760, default: 16_384, description: 'largest request body, in bytes' }),
  TRUST_PROXY: Type.Optional(
    Type.String({
      description:
        "proxies whose X-Forwarded-For is believed: unset (none), true, or addresses/CIDRs; on auth, user and admin the gateway's address alone, on the gateway the Nginx or balancer in front of it",
    }),
  ),
  DRAIN_DELAY_MS: Type.Integer({
    minimum: 0,
    maximum: 60_000,
    default: 2000,
    description:
      'on SIGTERM, how long the process says not-ready (closing each connection after its answer) while still serving, before it stops listening, ms',
  }),
})

export interface CommonConfig {
  port: number
  host: string
  managementPort: number
  managementHost: string
  logLevel: string
  logFormat: LogFormat
  bodyLimit: number
  trustProxy: string | boolean
  drainDelayMs: number
}

export function commonConfig(values: Static<typeof CommonSettings>): CommonConfig {
  const port = values.PORT
  const managementPort = values.MANAGEMENT_PORT ?? (port === 0 ? 0 : Math.min(65_535, port + MANAGEMENT_PORT_OFFSET))
  if (managementPort !== 0 && managementPort === port) throw new ConfigError(`MANAGEMENT_PORT must differ from PORT (both are ${port})`)
  const trust = values.TRUST_PROXY
  return {
    port,
    host: values.HOST,
    managementPort,
    managementHost: values.MANAGEMENT_HOST ?? values.HOST,
    logLevel: values.LOG_LEVEL,
    logFormat: values.LOG_FORMAT as LogFormat,
    bodyLimit: values.BODY_LIMIT,
    trustProxy: trust === undefined ? false : /^true$/i.test(trust) ? true : trust,
    drainDelayMs: values.DRAIN_DELAY_MS,
  }
}

/** Only the settings every process reads: for a process with nothing of its own (a test fixture). */
export function loadCommonConfig(env: Env = process.env): CommonConfig {
  return commonConfig(readSettings(CommonSettings, env))
}
