// pino options for every process: JSON lines, request ids, and no secret ever written.
import type { FastifyServerOptions } from 'fastify'

export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-protection"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  '*.password',
  '*.current_password',
  '*.new_password',
  '*.confirm_password',
  '*.refresh_token',
  '*.access_token',
  '*.client_secret',
  'password',
  'refresh_token',
  'access_token',
  'client_secret',
]

export function loggerOptions(level: string, service: string): FastifyServerOptions['logger'] {
  return {
    level,
    base: { service },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  }
}
