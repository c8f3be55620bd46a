// The apps the gateway routes to, from APPS_FILE: each with its pool of instances (balanced, failed over, probed on its health
// path when it has one). A reload (SIGHUP) reads the file again and swaps the whole set at once: a request already on its way
// keeps the app it matched; a file that does not check out leaves the running set as it was.
import type { Upstream } from '../config.ts'
import { createUpstreamPool, type UpstreamPool } from '../upstreams/pool.ts'
import { type AppDefinition, isUnder, readAppsFile } from './apps-file.ts'

export interface RoutedApp {
  definition: AppDefinition
  pool: UpstreamPool
}

export interface AppRegistry {
  /** The app whose prefix covers the path (prefixes never overlap). */
  match(path: string): RoutedApp | undefined
  apps(): readonly RoutedApp[]
  /** Reads APPS_FILE again; throws AppsFileError (and keeps the apps it had) when the file does not check out. */
  reload(): Promise<readonly RoutedApp[]>
  stop(): void
}

function routed(definition: AppDefinition): RoutedApp {
  const upstreams: Upstream[] = definition.upstreams.map((url) => ({ url, managementUrl: url }))
  const pool = createUpstreamPool(`app ${definition.name}`, upstreams, {
    healthPath: definition.healthPath ?? null,
    // Any HTTP answer but a server error: the app is there (its health page may well want a sign-in).
    upWhen: (status) => status < 500,
  })
  return { definition, pool }
}

/** How long a replaced set's probes keep running, for requests still on their way through it. */
const RETIRE_AFTER_MS = 30_000

/** `reservedNames`: names no app may have (the access tokens' audience). */
export async function createAppRegistry(file: string | undefined, reservedNames: readonly string[] = []): Promise<AppRegistry> {
  let current: RoutedApp[] = file ? (await readAppsFile(file, reservedNames)).map(routed) : []
  const retiring = new Set<ReturnType<typeof setTimeout>>()
  const stopAll = (apps: readonly RoutedApp[]) => {
    for (const app of apps) app.pool.stop()
  }
  return {
    match(path) {
      return current.find((app) => isUnder(path, app.definition.prefix))
    },
    apps: () => current,
    async reload() {
      if (!file) return current
      const next = (await readAppsFile(file, reservedNames)).map(routed)
      const previous = current
      current = next
      const timer = setTimeout(() => {
        retiring.delete(timer)
        stopAll(previous)
      }, RETIRE_AFTER_MS)
      timer.unref()
      retiring.add(timer)
      await Promise.all(next.map((app) => app.pool.probe()))
      return current
    },
    stop() {
      for (const timer of retiring) clearTimeout(timer)
      stopAll(current)
    },
  }
}
