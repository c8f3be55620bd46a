// What one `pnpm bench` run does, read once from the environment: how long and how hard each measurement is, which scenarios run.
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

export const SCENARIO_IDS = ['profile', 'login', 'refresh', 'admin-paging', 'nginx-tls', 'scale-out', 'better-auth'] as const
export type ScenarioId = (typeof SCENARIO_IDS)[number]

export interface BenchSettings {
  /** Seconds of each measured run (BENCH_SECONDS). */
  seconds: number
  /** Seconds of load before each measured round, not counted (BENCH_WARMUP_SECONDS). */
  warmupSeconds: number
  /** Concurrent keep-alive connections of the load generator (BENCH_CONNECTIONS). */
  connections: number
  /** Targets compared with each other alternate in this many rounds of seconds ÷ rounds (BENCH_ROUNDS). */
  rounds: number
  /** Scenarios to run (BENCH_ONLY=profile,login); all by default. */
  only: ScenarioId[]
  /** Extra environment for every Portcullis process (BENCH_SERVICE_ENV="LOG_LEVEL=warn UV_THREADPOOL_SIZE=2"). */
  serviceEnv: Record<string, string>
  /** Name of this run in the report, and the name of a second copy of it in the results folder (BENCH_LABEL). */
  label: string | undefined
  /** Where latest.md and latest.json go (BENCH_RESULTS_DIR). */
  resultsDir: string
  /** Users bulk-inserted for the admin paging scenario (BENCH_SEED_USERS) and the page whose cursor is measured (BENCH_DEEP_PAGE). */
  pagingUsers: number
  deepPage: number
  /** MariaDB server for the MariaDB half of the refresh scenario (TEST_MYSQL_URL, as the test suite). */
  mysqlUrl: string
  /** The command line written into the report. */
  command: string
}

export class BenchSettingsError extends Error {
  override name = 'BenchSettingsError'
}

type Env = Record<string, string | undefined>

function whole(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim()
  if (!raw) return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < min || value > max)
    throw new BenchSettingsError(`${name} must be a whole number between ${min} and ${max}, got "${raw}"`)
  return value
}

/** "A=1 B=2" or "A=1,B=2" into { A: '1', B: '2' }. */
export function parseEnvList(raw: string | undefined, name = 'BENCH_SERVICE_ENV'): Record<string, string> {
  const env: Record<string, string> = {}
  for (const item of (raw ?? '').split(/[\s,]+/).filter(Boolean)) {
    const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(item)
    if (!match?.[1]) throw new BenchSettingsError(`${name} must be NAME=value pairs, got "${item}"`)
    env[match[1]] = match[2] ?? ''
  }
  return env
}

function decimal(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim()
  if (!raw) return fallback
  const value = Number(raw)
  if (!Number.isFinite(value) || value < min || value > max) throw new BenchSettingsError(`${name} must be a number between ${min} and ${max}, got "${raw}"`)
  return value
}

function scenarios(raw: string | undefined): ScenarioId[] {
  if (!raw?.trim()) return [...SCENARIO_IDS]
  const wanted = raw
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)
  for (const id of wanted) {
    if (!(SCENARIO_IDS as readonly string[]).includes(id))
      throw new BenchSettingsError(`BENCH_ONLY names unknown scenario "${id}"; known: ${SCENARIO_IDS.join(', ')}`)
  }
  return SCENARIO_IDS.filter((id) => wanted.includes(id))
}

export function loadBenchSettings(env: Env = process.env, argv: string[] = process.argv, script = 'pnpm bench'): BenchSettings {
  const label = env.BENCH_LABEL?.trim() || undefined
  if (label !== undefined && !/^[A-Za-z0-9._=-]{1,80}$/.test(label))
    throw new BenchSettingsError(`BENCH_LABEL must be letters, digits and . _ = -, got "${label}"`)
  const setVariables = Object.keys(env)
    .filter((name) => name.startsWith('BENCH_') || name === 'TEST_MYSQL_URL')
    .sort()
    .map((name) => `${name}=${JSON.stringify(env[name])}`)
  return {
    seconds: whole(env, 'BENCH_SECONDS', 10, 1, 600),
    warmupSeconds: decimal(env, 'BENCH_WARMUP_SECONDS', 1, 0, 60),
    connections: whole(env, 'BENCH_CONNECTIONS', 10, 1, 1000),
    rounds: whole(env, 'BENCH_ROUNDS', 4, 1, 50),
    only: scenarios(env.BENCH_ONLY),
    serviceEnv: parseEnvList(env.BENCH_SERVICE_ENV),
    label,
    resultsDir: path.resolve(env.BENCH_RESULTS_DIR?.trim() || path.join(ROOT, 'bench', 'results')),
    pagingUsers: whole(env, 'BENCH_SEED_USERS', 100_000, 100, 10_000_000),
    deepPage: whole(env, 'BENCH_DEEP_PAGE', 400, 1, 100_000),
    mysqlUrl: env.TEST_MYSQL_URL?.trim() || 'mysql://root@127.0.0.1:3306',
    command: [...setVariables, script, ...argv.slice(2)].join(' '),
  }
}

export const COMPARE_TARGETS = ['profile', 'direct', 'login', 'refresh'] as const
export type CompareTarget = (typeof COMPARE_TARGETS)[number]

/** bench/compare.ts: stack A as `pnpm bench` runs it, stack B with other settings or from a changed copy of the tree. */
export interface CompareSettings {
  /** Environment of stack B only, over BENCH_SERVICE_ENV (BENCH_B_ENV="LOG_LEVEL=warn"). */
  bEnv: Record<string, string>
  /** The tree stack B runs from (BENCH_B_ROOT): a copy with a change in it; this tree by default. */
  bRoot: string
  /** The database of both stacks (BENCH_DATABASE=sqlite|mysql). */
  database: 'sqlite' | 'mysql'
  /** The endpoints measured on both (BENCH_TARGETS=profile,direct,login,refresh). */
  targets: CompareTarget[]
}

export function loadCompareSettings(env: Env = process.env): CompareSettings {
  const database = env.BENCH_DATABASE?.trim() || 'sqlite'
  if (database !== 'sqlite' && database !== 'mysql') throw new BenchSettingsError(`BENCH_DATABASE must be sqlite or mysql, got "${database}"`)
  const wanted = (env.BENCH_TARGETS?.trim() || COMPARE_TARGETS.join(',')).split(',').map((item) => item.trim())
  for (const id of wanted) {
    if (!(COMPARE_TARGETS as readonly string[]).includes(id))
      throw new BenchSettingsError(`BENCH_TARGETS names unknown target "${id}"; known: ${COMPARE_TARGETS.join(', ')}`)
  }
  return {
    bEnv: parseEnvList(env.BENCH_B_ENV, 'BENCH_B_ENV'),
    bRoot: path.resolve(env.BENCH_B_ROOT?.trim() || ROOT),
    database,
    targets: COMPARE_TARGETS.filter((id) => wanted.includes(id)),
  }
}

/** What a peer of the bench (bench/peers) is told by its environment: where to listen, what to proxy, where to keep its data. */
export interface PeerSettings {
  port: number
  host: string
  /** bare-proxy, undici-proxy: the user instance they proxy to. */
  upstream: string | undefined
  /** better-auth-server: its SQLite folder and secret; reference-profile: the bench stack's DATA_DIR. */
  dataDir: string | undefined
  secret: string | undefined
  /** reference-profile: the user whose row it reads. */
  userId: string | undefined
}

export function loadPeerSettings(env: Env = process.env): PeerSettings {
  return {
    port: whole(env, 'PORT', 0, 0, 65_535),
    host: env.HOST?.trim() || '127.0.0.1',
    upstream: env.UPSTREAM?.trim() || undefined,
    dataDir: env.PEER_DATA_DIR?.trim() || undefined,
    secret: env.BETTER_AUTH_SECRET?.trim() || undefined,
    userId: env.PROFILE_USER_ID?.trim() || undefined,
  }
}
