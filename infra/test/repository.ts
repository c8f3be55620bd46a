// What the infra tests check the deployment files against: the repository's paths, its workspace packages and the
// environment variables the processes read.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { parse } from 'yaml'
import { type GatewayConfig, loadGatewayConfig } from '@portcullis/gateway/config'
import { PROCESS_SETTINGS, type StackProcess, settingNames } from '@portcullis/scripts/stack/settings'

import { MALLOC_ENV } from '@portcullis/scripts/stack/heap-sizes'
export const repoRoot = path.resolve(import.meta.dirname, '../..')

export function repoPath(...parts: string[]): string {
  return path.join(repoRoot, ...parts)
}

export function readRepoFile(...parts: string[]): string {
  return readFileSync(repoPath(...parts), 'utf8')
}

/** Every variable a Portcullis process reads, as the processes declare them (each one's config.ts). */
export function configVariables(): Set<string> {
  return settingNames()
}

export type { StackProcess }

/** The five processes; the auth commands (migrate, create-admin, create-client, rotate-keys) are auth's. */
export const PROCESSES = Object.keys(PROCESS_SETTINGS) as StackProcess[]

/** The variables one process reads, as its config.ts declares them, and those its C library reads as heap-sizes.ts sets them. */
export function settingsOf(process: StackProcess): Set<string> {
  return new Set([...Object.keys(PROCESS_SETTINGS[process].properties), ...Object.keys(MALLOC_ENV)])
}

/** Whether a process's declaration marks a setting as a secret (never repeated in a message). */
export function isSecret(name: string): boolean {
  return PROCESSES.some((process) => (PROCESS_SETTINGS[process].properties[name] as { secret?: boolean } | undefined)?.secret === true)
}

/** "the gateway", "auth": for messages. */
export function processName(process: StackProcess): string {
  return process === 'gateway' ? 'the gateway' : process
}

/** "a", "a and b", "a, b and c". */
export function listed(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`
}

/** The process a script runs as: the workspace package it is in (@portcullis/auth → auth), so that migrate.ts and the
 * other auth commands count as auth. */
export function processOf(script: string): StackProcess {
  const owner = ownerOf(script, workspacePackages())
  const process = PROCESSES.find((candidate) => owner.name === `@portcullis/${candidate}`)
  if (!process) throw new Error(`${script} is in ${owner.name}, which is none of the processes ${PROCESSES.join(', ')}`)
  return process
}

/** Settings the processes that read them must agree on, so that each is given once, by one owner, to all of them: the
 * database auth, user, admin and oidc share, the tokens auth signs and the others check (issuer, audience, lifetime),
 * when an idle session ends (auth refuses its refresh, user stops listing it, auth, user and admin refuse its token), and
 * what auth and the OpenID Connect provider share: the key ring's algorithm, and how long a session lasts at most. */
export const AGREED_SETTINGS = [
  'DATABASE_URL',
  'TOKEN_ISSUER',
  'TOKEN_AUDIENCE',
  'ACCESS_TOKEN_TTL',
  'REFRESH_IDLE_TTL',
  'SIGNING_ALG',
  'REFRESH_ABSOLUTE_TTL',
] as const

/** KEY=value lines of an env file (systemd EnvironmentFile=, docker env_file): comments and blank lines skipped. */
export function readEnvFile(file: string): Map<string, string> {
  const values = new Map<string, string>()
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line)
    if (match) values.set(match[1] as string, (match[2] as string).trim())
  }
  return values
}

/** The settings a process's addresses follow from; the rest (secrets, placeholders) are left out of `listening`. */
const ADDRESS_SETTINGS = [
  'PORT',
  'HOST',
  'MANAGEMENT_PORT',
  'MANAGEMENT_HOST',
  'AUTH_URL',
  'AUTH_UPSTREAMS',
  'USER_UPSTREAMS',
  'ADMIN_UPSTREAMS',
  'OIDC_UPSTREAMS',
]

export type Listening = Pick<
  GatewayConfig,
  'port' | 'host' | 'managementPort' | 'managementHost' | 'authUpstreams' | 'userUpstreams' | 'adminUpstreams' | 'oidcUpstreams'
>

/** Where a process with this environment listens, and where the gateway would probe its upstreams, as config.ts itself
 * works it out (MANAGEMENT_PORT defaulting to PORT + 1000, `URL|MANAGEMENT` upstreams): one rule, not a copy of it. */
export function listening(env: ReadonlyMap<string, string | undefined> | Record<string, string | undefined>): Listening {
  const entries = env instanceof Map ? [...env] : Object.entries(env)
  return loadGatewayConfig(Object.fromEntries(entries.filter(([name]) => ADDRESS_SETTINGS.includes(name))))
}

export interface WorkspacePackage {
  name: string
  /** Relative to the repository root, e.g. services/auth. */
  dir: string
  /** Names of the workspace packages it needs at run time (dependencies: workspace:*). */
  workspaceDependencies: string[]
  /** Names of the workspace packages it needs only for development (devDependencies: workspace:*). */
  devWorkspaceDependencies: string[]
}

/** The packages pnpm-workspace.yaml names (patterns `dir` and `dir/*`). */
export function workspacePackages(): WorkspacePackage[] {
  const workspace = parse(readRepoFile('pnpm-workspace.yaml')) as { packages: string[] }
  const dirs = workspace.packages.flatMap((pattern) => {
    if (!pattern.endsWith('/*')) return [pattern]
    const parent = pattern.slice(0, -2)
    return readdirSync(repoPath(parent), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => `${parent}/${entry.name}`)
  })
  return dirs
    .filter((dir) => existsSync(repoPath(dir, 'package.json')))
    .map((dir) => {
      const manifest = JSON.parse(readRepoFile(dir, 'package.json')) as {
        name: string
        dependencies?: Record<string, string>
        devDependencies?: Record<string, string>
      }
      const workspace = (dependencies: Record<string, string> = {}) =>
        Object.entries(dependencies)
          .filter(([, version]) => version.startsWith('workspace:'))
          .map(([name]) => name)
      return {
        name: manifest.name,
        dir,
        workspaceDependencies: workspace(manifest.dependencies),
        devWorkspaceDependencies: workspace(manifest.devDependencies),
      }
    })
}

/** The workspace package a file (relative to the repository root) is in: the one with the longest matching directory. */
export function ownerOf(file: string, packages: WorkspacePackage[] = workspacePackages()): WorkspacePackage {
  const owner = packages.filter((pkg) => file.startsWith(`${pkg.dir}/`)).sort((a, b) => b.dir.length - a.dir.length)[0]
  if (!owner) throw new Error(`${file} is in no workspace package`)
  return owner
}

/** The package a script belongs to and, transitively, every workspace package it needs at run time. */
export function runtimePackagesOf(script: string): WorkspacePackage[] {
  const packages = workspacePackages()
  const owner = ownerOf(script, packages)
  const needed = new Map<string, WorkspacePackage>()
  const visit = (pkg: WorkspacePackage) => {
    if (needed.has(pkg.name)) return
    needed.set(pkg.name, pkg)
    for (const name of pkg.workspaceDependencies) {
      const dependency = packages.find((candidate) => candidate.name === name)
      if (!dependency) throw new Error(`${pkg.name} depends on ${name}, which is not in the workspace`)
      visit(dependency)
    }
  }
  visit(owner)
  return [...needed.values()]
}
