// APPS_FILE: the teams' own apps behind the gateway, in YAML or JSON. Read and checked as a whole, with a message that names
// the file, the app and the field for anything wrong; a file that does not check out changes nothing (at start the gateway
// refuses to start, on SIGHUP it keeps the apps it had).
import { readFile } from 'node:fs/promises'
import { parse as parseYaml } from 'yaml'
import { checkedUrl, withoutTrailingSlash } from '@portcullis/shared/settings/url'

export type AppAccess = 'public' | 'user' | 'admin'

export interface AppRule {
  /** A path as the client sends it, after the app's prefix is put back: matches itself and everything below it. */
  path: string
  /** Upper-case methods; undefined: every method. */
  methods: ReadonlySet<string> | undefined
  access: AppAccess
}

export interface AppDefinition {
  name: string
  prefix: string
  upstreams: string[]
  access: AppAccess
  rules: AppRule[]
  stripPrefix: boolean
  /** Probed on each instance every second (any answer under 500 is "up"); undefined: only failures mark an instance down. */
  healthPath: string | undefined
  /** Requests per minute per client network to this app; 0: no limit of its own. */
  rateLimitPerIp: number
  /** The largest request body, bytes; undefined: the gateway's BODY_LIMIT. */
  bodyLimit: number | undefined
}

/** Paths that are Portcullis' own: no app may be at them or under them, nor above them. */
const RESERVED_PREFIXES = [
  '/auth',
  '/user',
  '/admin',
  '/oidc',
  '/.well-known/openid-configuration',
  '/docs',
  '/assets',
  '/healthz',
  '/readyz',
  '/metrics',
  '/login',
  '/signup',
  '/dashboard',
  '/profile',
  '/forgot-password',
  '/reset-password',
  '/verify-email',
]
const NAME = /^[a-z][a-z0-9-]{0,62}$/
const PREFIX = /^(\/[A-Za-z0-9._~-]+)+$/
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'])
const ACCESS = new Set<AppAccess>(['public', 'user', 'admin'])
const KNOWN_FIELDS = new Set(['name', 'prefix', 'upstreams', 'access', 'rules', 'strip_prefix', 'health_path', 'rate_limit_per_ip', 'body_limit'])

export class AppsFileError extends Error {
  override name = 'AppsFileError'
}

/** Whether `path` is `prefix` or below it, segment by segment (/echo covers /echo/x, not /echoes). */
export function isUnder(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`)
}

type Where = (field: string, problem: string) => AppsFileError

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function access(value: unknown, fail: Where, field: string): AppAccess {
  if (typeof value !== 'string' || !ACCESS.has(value as AppAccess)) throw fail(field, 'must be public, user or admin')
  return value as AppAccess
}

function rule(raw: unknown, index: number, prefix: string, fail: Where): AppRule {
  const field = `rules[${index}]`
  if (!isRecord(raw)) throw fail(field, 'must be an object with path, access and optionally methods')
  for (const key of Object.keys(raw))
    if (!['path', 'methods', 'access'].includes(key)) throw fail(`${field}.${key}`, 'is not a rule field (path, methods, access)')
  const path = raw.path
  if (typeof path !== 'string' || !/^\/[^\s?#]*$/.test(path)) throw fail(`${field}.path`, 'must be a path starting with /, without a query')
  const clean = path.length > 1 ? path.replace(/\/+$/, '') : path
  if (!isUnder(clean, prefix)) throw fail(`${field}.path`, `"${path}" is not under the app's prefix ${prefix} (write the path as the client sends it)`)
  let methods: Set<string> | undefined
  if (raw.methods !== undefined) {
    if (!Array.isArray(raw.methods) || raw.methods.length === 0) throw fail(`${field}.methods`, 'must be a list of HTTP methods, such as [GET, POST]')
    methods = new Set()
    for (const method of raw.methods) {
      const upper = typeof method === 'string' ? method.toUpperCase() : ''
      if (!METHODS.has(upper)) throw fail(`${field}.methods`, `"${String(method)}" is not one of ${[...METHODS].join(', ')}`)
      methods.add(upper)
      if (upper === 'GET') methods.add('HEAD')
    }
  }
  return { path: clean, methods, access: access(raw.access, fail, `${field}.access`) }
}

function app(raw: unknown, index: number, file: string, reservedNames: readonly string[]): AppDefinition {
  const label = isRecord(raw) && typeof raw.name === 'string' ? `apps[${index}] "${raw.name}"` : `apps[${index}]`
  const fail: Where = (field, problem) => new AppsFileError(`APPS_FILE (${file}): ${label}: ${field} ${problem}`)
  if (!isRecord(raw)) throw fail('', 'must be an object with name, prefix, upstreams and access')
  for (const key of Object.keys(raw)) if (!KNOWN_FIELDS.has(key)) throw fail(key, `is not an app field (${[...KNOWN_FIELDS].join(', ')})`)
  if (typeof raw.name !== 'string' || !NAME.test(raw.name)) throw fail('name', 'must be 1 to 63 lower-case letters, digits or dashes, starting with a letter')
  // The name is the identity token's audience: never the access tokens' own (TOKEN_AUDIENCE), which auth refuses to sign for.
  if (reservedNames.includes(raw.name)) throw fail('name', `"${raw.name}" is the access tokens' audience (TOKEN_AUDIENCE): pick another`)
  if (typeof raw.prefix !== 'string' || !PREFIX.test(raw.prefix)) {
    throw fail('prefix', 'must be a path such as /echo: segments of letters, digits, dots, dashes, underscores or tildes, no trailing slash')
  }
  const prefix = raw.prefix
  const reserved = RESERVED_PREFIXES.find((own) => isUnder(prefix, own) || isUnder(own, prefix))
  if (reserved) throw fail('prefix', `${prefix} would shadow ${reserved}, which is Portcullis' own`)
  if (!Array.isArray(raw.upstreams) || raw.upstreams.length === 0) throw fail('upstreams', 'must list at least one http:// or https:// URL')
  const upstreams = raw.upstreams.map((url, i) => {
    if (typeof url !== 'string') throw fail(`upstreams[${i}]`, 'must be a URL')
    try {
      return withoutTrailingSlash(checkedUrl(`upstreams[${i}]`, url, ['http:', 'https:']))
    } catch (error) {
      throw fail(`upstreams[${i}]`, `"${url}" is not an http:// or https:// URL (${(error as Error).message})`)
    }
  })
  if (raw.rules !== undefined && !Array.isArray(raw.rules)) throw fail('rules', 'must be a list of {path, methods?, access}')
  if (raw.strip_prefix !== undefined && typeof raw.strip_prefix !== 'boolean') throw fail('strip_prefix', 'must be true or false')
  if (raw.health_path !== undefined && (typeof raw.health_path !== 'string' || !raw.health_path.startsWith('/'))) {
    throw fail('health_path', 'must be a path starting with /, such as /healthz')
  }
  const limit = raw.rate_limit_per_ip
  if (limit !== undefined && (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 0 || limit > 10_000_000)) {
    throw fail('rate_limit_per_ip', 'must be a whole number of requests per minute, 0 for none')
  }
  const bodyLimit = raw.body_limit
  if (bodyLimit !== undefined && (typeof bodyLimit !== 'number' || !Number.isInteger(bodyLimit) || bodyLimit < 1024 || bodyLimit > 1_073_741_824)) {
    throw fail('body_limit', 'must be a whole number of bytes from 1024 to 1073741824 (1 GiB)')
  }
  return {
    name: raw.name,
    prefix,
    upstreams,
    access: access(raw.access, fail, 'access'),
    rules: ((raw.rules as unknown[] | undefined) ?? []).map((entry, i) => rule(entry, i, prefix, fail)),
    stripPrefix: raw.strip_prefix === true,
    healthPath: raw.health_path as string | undefined,
    rateLimitPerIp: (limit as number | undefined) ?? 0,
    bodyLimit: bodyLimit as number | undefined,
  }
}

/** The apps of a file's text (YAML, of which JSON is a part), checked; AppsFileError says what is wrong and where. */
export function parseApps(text: string, file: string, reservedNames: readonly string[] = []): AppDefinition[] {
  let document: unknown
  try {
    document = parseYaml(text)
  } catch (error) {
    throw new AppsFileError(`APPS_FILE (${file}) is not valid YAML or JSON: ${(error as Error).message.split('\n')[0]}`)
  }
  if (!isRecord(document) || !Array.isArray(document.apps)) throw new AppsFileError(`APPS_FILE (${file}) must hold "apps:", a list of apps`)
  const apps = document.apps.map((entry, index) => app(entry, index, file, reservedNames))
  for (const [i, one] of apps.entries()) {
    for (const other of apps.slice(i + 1)) {
      if (other.name === one.name) throw new AppsFileError(`APPS_FILE (${file}): two apps are named "${one.name}"`)
      if (isUnder(other.prefix, one.prefix) || isUnder(one.prefix, other.prefix)) {
        throw new AppsFileError(`APPS_FILE (${file}): the prefixes of "${one.name}" (${one.prefix}) and "${other.name}" (${other.prefix}) overlap`)
      }
    }
  }
  return apps
}

export async function readAppsFile(file: string, reservedNames: readonly string[] = []): Promise<AppDefinition[]> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    throw new AppsFileError(`APPS_FILE (${file}) cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`)
  }
  return parseApps(text, file, reservedNames)
}
