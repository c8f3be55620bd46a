// What a `pnpm install` of the Dockerfile puts in node_modules, worked out offline: which workspace packages its
// --filter / --filter-prod selectors select (by pnpm's rules for the forms used here), and which external packages the
// dependencies of those packages pull in, from pnpm-lock.yaml. No registry, no install.
import { parse } from 'yaml'
import { readRepoFile, type WorkspacePackage, workspacePackages } from './repository.ts'

export interface PnpmInstall {
  /** The command as written, for messages. */
  command: string
  frozenLockfile: boolean
  /** --prod (-P): no devDependencies of the selected packages. */
  prod: boolean
  /** --filter (-F) selects dependency packages through devDependencies too; --filter-prod through dependencies only. */
  filters: Array<{ selector: string; prodOnly: boolean }>
}

/** Words of one shell command: whitespace-separated, with '…' and "…" quoting. */
function words(command: string): string[] {
  return [...command.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)].map((match) => match[1] ?? match[2] ?? (match[3] as string))
}

/** Every `pnpm install` (or `pnpm i`) of a RUN line, its commands split at &&, || and ;. */
export function pnpmInstalls(run: string): PnpmInstall[] {
  const installs: PnpmInstall[] = []
  for (const command of run.split(/&&|\|\||;/).map((part) => part.trim())) {
    const [program, ...args] = words(command)
    if (program !== 'pnpm') continue
    const install: PnpmInstall = { command, frozenLockfile: false, prod: false, filters: [] }
    let isInstall = false
    for (let index = 0; index < args.length; index++) {
      const arg = args[index] as string
      const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined]
      if (flag === '--filter' || flag === '-F' || flag === '--filter-prod') {
        const selector = inline ?? args[++index]
        if (selector !== undefined) install.filters.push({ selector, prodOnly: flag === '--filter-prod' })
      } else if (flag === '--frozen-lockfile') install.frozenLockfile = true
      else if (flag === '--prod' || flag === '-P' || flag === '--production') install.prod = true
      else if (flag === 'install' || flag === 'i') isInstall = true
    }
    if (isInstall) installs.push(install)
  }
  return installs
}

/** The workspace packages an install selects. No filter: every one of them, and the root (`.`). */
export function selectedPackages(install: PnpmInstall, packages: WorkspacePackage[] = workspacePackages()): { packages: WorkspacePackage[]; root: boolean } {
  if (install.filters.length === 0) return { packages, root: true }
  const selected = new Map<string, WorkspacePackage>()
  for (const { selector, prodOnly } of install.filters) {
    // name, name... (and its dependencies), name^... (its dependencies only); {dir} or ./dir for a name.
    const match = /^(.+?)(\^?\.\.\.)?$/.exec(selector)
    const [pattern, suffix] = [match?.[1] ?? selector, match?.[2]]
    if (pattern.startsWith('...')) throw new Error(`${install.command}: ${selector} selects dependents, which these checks do not follow`)
    const byDir = /^\{(.+)\}$|^\.\/(.+)$/.exec(pattern)
    const roots = byDir
      ? packages.filter((pkg) => pkg.dir === (byDir[1] ?? byDir[2])?.replace(/\/$/, ''))
      : packages.filter((pkg) => new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`).test(pkg.name))
    if (roots.length === 0) throw new Error(`${install.command}: ${selector} selects no workspace package`)
    const visit = (pkg: WorkspacePackage, self: boolean) => {
      if (self) {
        if (selected.has(pkg.name)) return
        selected.set(pkg.name, pkg)
      }
      if (suffix === undefined) return
      for (const name of [...pkg.workspaceDependencies, ...(prodOnly ? [] : pkg.devWorkspaceDependencies)]) {
        const dependency = packages.find((candidate) => candidate.name === name)
        if (dependency) visit(dependency, true)
      }
    }
    for (const root of roots) visit(root, suffix !== '^...')
  }
  return { packages: [...selected.values()], root: false }
}

interface Lockfile {
  lockfileVersion: string
  importers: Record<string, Partial<Record<'dependencies' | 'optionalDependencies' | 'devDependencies', Record<string, { version: string }>>>>
  snapshots?: Record<string, Partial<Record<'dependencies' | 'optionalDependencies', Record<string, string>>>>
}

let lockfile: Lockfile | undefined

function readLockfile(): Lockfile {
  lockfile ??= parse(readRepoFile('pnpm-lock.yaml')) as Lockfile
  if (!lockfile.lockfileVersion.startsWith('9.')) throw new Error(`pnpm-lock.yaml is version ${lockfile.lockfileVersion}, not the 9.x these checks read`)
  return lockfile
}

/** The external packages (name → the versions installed) that installing these importers (`.` is the root, else the
 * package's directory) puts in node_modules/.pnpm: their dependencies and optional ones (devDependencies too unless
 * prod), and theirs in turn. Workspace links are not followed: a linked package is an importer of its own. Optional
 * packages for other platforms (esbuild's, rollup's binaries) are counted, though pnpm skips them where they do not
 * fit: otherwise this is what pnpm installs, package for package. */
export function externalPackages(importers: string[], prod: boolean): Map<string, Set<string>> {
  const { importers: declared, snapshots = {} } = readLockfile()
  const found = new Map<string, Set<string>>()
  const pending: string[] = []
  const add = (name: string, version: string) => {
    if (version.startsWith('link:')) return
    if (found.get(name)?.has(version)) return
    found.set(name, new Set([...(found.get(name) ?? []), version]))
    pending.push(`${name}@${version}`)
  }
  for (const importer of importers) {
    const own = declared[importer]
    if (!own) throw new Error(`pnpm-lock.yaml has no importer ${importer}`)
    const kinds: Array<'dependencies' | 'optionalDependencies' | 'devDependencies'> = ['dependencies', 'optionalDependencies']
    if (!prod) kinds.push('devDependencies')
    for (const kind of kinds) for (const [name, { version }] of Object.entries(own[kind] ?? {})) add(name, version)
  }
  for (let key = pending.pop(); key !== undefined; key = pending.pop()) {
    const snapshot = snapshots[key]
    if (!snapshot) throw new Error(`pnpm-lock.yaml has no snapshot ${key}`)
    for (const kind of ['dependencies', 'optionalDependencies'] as const) for (const [name, version] of Object.entries(snapshot[kind] ?? {})) add(name, version)
  }
  return found
}

/** The external packages an importer's package.json names itself (dependencies and optional ones, devDependencies too
 * unless prod), as pnpm-lock.yaml resolved them. */
export function directDependencies(importer: string, prod: boolean): string[] {
  const own = readLockfile().importers[importer]
  if (!own) throw new Error(`pnpm-lock.yaml has no importer ${importer}`)
  const kinds: Array<'dependencies' | 'optionalDependencies' | 'devDependencies'> = ['dependencies', 'optionalDependencies']
  if (!prod) kinds.push('devDependencies')
  return kinds.flatMap((kind) =>
    Object.entries(own[kind] ?? {})
      .filter(([, { version }]) => !version.startsWith('link:'))
      .map(([name]) => name),
  )
}
