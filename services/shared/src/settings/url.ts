// URL settings: parsed once, their scheme checked, and a password in them never repeated in a message.
import { ConfigError } from './load.ts'

export function redactUrl(raw: string): string {
  return raw.replace(/\/\/([^:@/]*):([^@/]*)@/, '//$1:***@')
}

/** `raw` as a URL with one of `protocols` (e.g. ['http:', 'https:']), or ConfigError naming the setting. */
export function checkedUrl(name: string, raw: string, protocols: readonly string[]): string {
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

export function withoutTrailingSlash(url: string): string {
  return url.replace(/\/$/, '')
}
