// docs/errors.md's catalogue of problem codes, made from the code: every error factory (code, status, the package that owns
// it, what it means) and which routes answer with it, as each route declares in its schema (problemResponses), plus what any
// route, every route through the gateway, and /readyz may answer. `pnpm errors:table` rewrites the catalogue; a test fails
// when docs/errors.md says something else, or a factory is answered by no route.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { readFileSync, writeFileSync } from 'node:fs'
import type {} from '@fastify/swagger'
import type { FastifyInstance } from 'fastify'
import { buildAdminApp } from '@portcullis/admin/app'
import { loadAdminConfig } from '@portcullis/admin/config'
import { buildAuthApp } from '@portcullis/auth/app'
import { loadAuthConfig } from '@portcullis/auth/config'
import { buildOidcApp } from '@portcullis/oidc/app'
import { loadOidcConfig } from '@portcullis/oidc/config'
import { APP_PROBLEMS } from '@portcullis/gateway/routes/apps'
import { FORWARD_AUTH_PROBLEMS, FORWARD_AUTH_ROUTE } from '@portcullis/gateway/routes/forward-auth'
import { PROXY_PROBLEMS } from '@portcullis/gateway/routes/proxy'
import { connectDatabase } from '@portcullis/database/connect'
import { migrateToLatest } from '@portcullis/shared/db/migrate'
import { READINESS_PROBLEMS } from '@portcullis/shared/health'
import { ANY_ROUTE_PROBLEMS } from '@portcullis/shared/problems/any-route'
import { declaredProblems, type ProblemDefinition } from '@portcullis/shared/problems/define'
import type { JwksKeySource } from '@portcullis/shared/tokens/jwks-keys'
import { buildUserApp } from '@portcullis/user/app'
import { loadUserConfig } from '@portcullis/user/config'

export const ERRORS_DOC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../docs/errors.md')
export const CATALOGUE_START = '<!-- problem codes: pnpm errors:table writes them from the error factories and the route schemas -->'
export const CATALOGUE_END = '<!-- end of the problem codes -->'

export const ANY_ROUTE = 'any route'
export const THROUGH_THE_GATEWAY = 'every route through the gateway'
export const YOUR_APPS = 'your apps behind the gateway (APPS_FILE)'
export const READINESS = 'GET /readyz (management port)'

/** One route's declared error answers: `POST /auth/login` → its codes. */
export interface RouteProblems {
  route: string
  codes: string[]
}

interface OpenApiResponse {
  content?: Record<string, { schema?: { properties?: { code?: { enum?: unknown[]; anyOf?: Array<{ const?: unknown; enum?: unknown[] }> } } } }>
}

/** The codes a response schema allows: its `code` property's enum (or its union of consts). */
function declaredCodes(response: OpenApiResponse): string[] {
  const code = Object.values(response.content ?? {})[0]?.schema?.properties?.code
  if (!code) return []
  const values = code.enum ?? (code.anyOf ?? []).flatMap((member) => (member.const !== undefined ? [member.const] : (member.enum ?? [])))
  return values.filter((value): value is string => typeof value === 'string')
}

/** Every route of an app and the problem codes its error responses declare, from its OpenAPI document. */
export function routeProblems(app: FastifyInstance): RouteProblems[] {
  const document = app.swagger() as { paths?: Record<string, Record<string, { responses?: Record<string, OpenApiResponse> }>> }
  const routes: RouteProblems[] = []
  for (const [url, operations] of Object.entries(document.paths ?? {})) {
    for (const [method, operation] of Object.entries(operations)) {
      const errors = Object.entries(operation.responses ?? {}).filter(([status]) => Number(status) >= 400)
      routes.push({ route: `${method.toUpperCase()} ${url.replace(/\{(\w+)\}/g, ':$1')}`, codes: errors.flatMap(([, response]) => declaredCodes(response)) })
    }
  }
  return routes
}

/** A key source with no keys: the catalogue reads the apps' route schemas and sends them nothing. */
const NO_KEYS: JwksKeySource = { publicKeyPem: async () => undefined, refresh: async () => {}, isLoaded: () => false, stop: () => {} }

/** auth, user, admin and oidc built for real on a throw-away SQLite database, and the problems each of their routes declares. */
export async function serviceRouteProblems(): Promise<RouteProblems[]> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'portcullis-errors-'))
  const env = { DATA_DIR: dataDir, LOG_LEVEL: 'silent', ARGON2_MEMORY_KIB: '1024', ARGON2_TIME_COST: '1' }
  const database = connectDatabase(loadAuthConfig(env))
  const apps: FastifyInstance[] = []
  try {
    await migrateToLatest(database.db)
    apps.push(await buildAuthApp({ config: loadAuthConfig(env), database }))
    apps.push(await buildUserApp({ config: loadUserConfig(env), database, keys: NO_KEYS }))
    apps.push(await buildAdminApp({ config: loadAdminConfig(env), database, keys: NO_KEYS }))
    apps.push(await buildOidcApp({ config: loadOidcConfig(env), database, sweepIntervalMs: 0 }))
    await Promise.all(apps.map((app) => app.ready()))
    return apps.flatMap(routeProblems)
  } finally {
    await Promise.all(apps.map((app) => app.close()))
    await database.close()
    await rm(dataDir, { recursive: true, force: true })
  }
}

export interface CatalogueEntry extends ProblemDefinition {
  answeredBy: string[]
}

/** Every declared problem with where it is answered, in the order the packages declare them. */
export function catalogue(routes: RouteProblems[]): CatalogueEntry[] {
  const anyRoute = new Set(ANY_ROUTE_PROBLEMS.map(({ problem }) => problem.code))
  const gateway = new Set(PROXY_PROBLEMS.map(({ problem }) => problem.code))
  const apps = new Set(APP_PROBLEMS.map(({ problem }) => problem.code))
  const forwardAuth = new Set(FORWARD_AUTH_PROBLEMS.map(({ problem }) => problem.code))
  const readiness = new Set(READINESS_PROBLEMS.map(({ problem }) => problem.code))
  const owners = ['shared', 'auth', 'user', 'admin', 'oidc', 'gateway']
  const ordered = declaredProblems().sort((a, b) => owners.indexOf(a.owner) - owners.indexOf(b.owner) || a.status - b.status || a.code.localeCompare(b.code))
  return ordered.map((problem) => {
    const answeredBy: string[] = []
    if (anyRoute.has(problem.code)) answeredBy.push(ANY_ROUTE)
    if (gateway.has(problem.code)) answeredBy.push(THROUGH_THE_GATEWAY)
    if (apps.has(problem.code) && !gateway.has(problem.code)) answeredBy.push(YOUR_APPS)
    // The gateway's own route: what it answers beyond every route's and every proxied route's problems.
    if (forwardAuth.has(problem.code) && !gateway.has(problem.code) && !anyRoute.has(problem.code)) answeredBy.push(`\`${FORWARD_AUTH_ROUTE}\``)
    if (readiness.has(problem.code)) answeredBy.push(READINESS)
    if (!anyRoute.has(problem.code)) answeredBy.push(...routes.filter((route) => route.codes.includes(problem.code)).map((route) => `\`${route.route}\``))
    return { ...problem, answeredBy }
  })
}

function cell(text: string): string {
  return text.replaceAll('|', '\\|')
}

export function catalogueTable(entries: CatalogueEntry[]): string {
  const rows = entries.map(
    (entry) => `| \`${entry.code}\` | ${entry.status} | ${entry.owner} | ${cell(entry.meaning)} | ${entry.answeredBy.join(', ') || 'no route (a defect)'} |`,
  )
  return ['| code | status | declared by | meaning | answered by |', '|---|---|---|---|---|', ...rows].join('\n')
}

/** docs/errors.md with its catalogue replaced by the one the code makes. */
export function documentWithCatalogue(document: string, table: string): string {
  const start = document.indexOf(CATALOGUE_START)
  const end = document.indexOf(CATALOGUE_END)
  if (start < 0 || end < start) throw new Error(`docs/errors.md has no catalogue between "${CATALOGUE_START}" and "${CATALOGUE_END}"`)
  return `${document.slice(0, start + CATALOGUE_START.length)}\n${table}\n${document.slice(end)}`
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const table = catalogueTable(catalogue(await serviceRouteProblems()))
  writeFileSync(ERRORS_DOC, documentWithCatalogue(readFileSync(ERRORS_DOC, 'utf8'), table))
  console.log('docs/errors.md: the problem codes are written from the error factories and the route schemas')
}
