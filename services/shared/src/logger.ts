// pino options for every process: JSON lines (or readable lines on a terminal), request ids, and no secret ever written.
import { createRequire } from 'node:module'
import type { FastifyServerOptions } from 'fastify'
import type { PrettyOptions, PrettyStream } from 'pino-pretty'
import type { LogFormat } from './settings/common.ts'

/** pino-pretty and what it loads cost about 15 MiB per process: loaded only where a person reads the log (BENCHMARKS.md). */
function loadPretty(): (options: PrettyOptions) => PrettyStream {
  return createRequire(import.meta.url)('pino-pretty') as (options: PrettyOptions) => PrettyStream
}

/**
 * The headers that carry credentials, wherever a line could hold them (Fastify's `req`/`res` serializers, a `headers` field).
 * Only these: no line carries a request body (request-log.ts writes method, URL, address, status and time; every other
 * line names its fields), and each wildcard path (`*.password`) made pino walk every field of every line: a request line with
 * the 17 paths we had cost 23-85 µs, with these 3-16, as without redaction (issue 17, BENCHMARKS.md). A query's secrets are
 * censored where the URL is written (request-log.ts).
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-protection"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  'headers["set-cookie"]',
]

/** LOG_FORMAT=auto is pretty on a terminal (a person reads it) and JSON anywhere else (a collector reads it). */
export function resolveLogFormat(format: LogFormat, isTerminal: boolean = process.stdout.isTTY === true): 'json' | 'pretty' {
  if (format === 'auto') return isTerminal ? 'pretty' : 'json'
  return format
}

/** The fields a request line's message already says, so the pretty line does not repeat them. */
const SHOWN_IN_MESSAGE = ['method', 'url', 'statusCode', 'ms', 'ip']

/** `GET /user/profile 200 1.3 ms from 127.0.0.1` for a request line, the message itself for anything else; prefixed with the service. */
function prettyMessage(log: Record<string, unknown>, messageKey: string): string {
  const message = String(log[messageKey] ?? '')
  const service = typeof log.service === 'string' ? `${log.service}: ` : ''
  if (message !== 'request' && message !== 'request errored') return `${service}${message}`
  const [method, url, status, ms, ip] = SHOWN_IN_MESSAGE.map((key) => log[key])
  return `${service}${method} ${url} ${status} ${ms} ms from ${ip}${message === 'request errored' ? ' (errored)' : ''}`
}

/**
 * A pretty stream in this thread, not a transport worker: a worker thread per process costs memory (BENCHMARKS.md),
 * and a local terminal needs no throughput. Written to `destination` (stdout by default) synchronously, so a line
 * written just before the process exits is not lost.
 */
export function prettyLogStream(destination: number | NodeJS.WritableStream = 1, colorize: boolean = process.stdout.isTTY === true) {
  return loadPretty()({
    destination,
    sync: true,
    colorize,
    singleLine: true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: ['pid', 'hostname', 'service', 'reqId', ...SHOWN_IN_MESSAGE].join(','),
    messageFormat: (log, messageKey) => prettyMessage(log, messageKey),
  })
}

export function loggerOptions(level: string, service: string, format: LogFormat = 'auto'): FastifyServerOptions['logger'] {
  const options = {
    level,
    base: { service },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  }
  return resolveLogFormat(format) === 'pretty' ? { ...options, stream: prettyLogStream() } : options
}
