// What the infra tests check the deployment files against: the repository's paths, its workspace packages and the
// environment variables the processes read.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { parse } from 'yaml'
import { type GatewayConfig, loadGatewayConfig } from '@portcullis/gateway/config'
import { settingNames } from '@portcullis/scripts/stack/settings'

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
const ADDRESS_SETTINGS = ['PORT', 'HOST', 'MANAGEMENT_PORT', 'MANAGEMENT_HOST', 'AUTH_URL', 'AUTH_UPSTREAMS', 'USER_UPSTREAMS', 'ADMIN_UPSTREAMS']

export type Listening = Pick<GatewayConfig, 'port' | 'host' | 'managementPort' | 'managementHost' | 'authUpstreams' | 'userUpstreams' | 'adminUpstreams'>

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
      const manifest = JSON.parse(readRepoFile(dir, 'package.json')) as { name: string; dependencies?: Record<string, string> }
      const workspaceDependencies = Object.entries(manifest.dependencies ?? {})
        .filter(([, version]) => version.startsWith('workspace:'))
        .map(([name]) => name)
      return { name: manifest.name, dir, workspaceDependencies }
    })
}

/** The package a script belongs to and, transitively, every workspace package it needs at run time. */
export function runtimePackagesOf(script: string): WorkspacePackage[] {
  const packages = workspacePackages()
  const owner = packages.filter((pkg) => script.startsWith(`${pkg.dir}/`)).sort((a, b) => b.dir.length - a.dir.length)[0]
  if (!owner) throw new Error(`${script} is in no workspace package`)
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
