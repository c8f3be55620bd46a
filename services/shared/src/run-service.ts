// The main of every service process: load the config, start, listen, and drain on SIGTERM, SIGINT or when the supervisor goes.
import { setTimeout as sleep } from 'node:timers/promises'
import type { FastifyInstance } from 'fastify'
import { describeDatabaseError } from './db/describe-error.ts'
import type { CommonConfig } from './settings/common.ts'
import type { DatabaseConfig } from './settings/database.ts'
import { ConfigError } from './settings/load.ts'

/** How long requests still in flight after the drain delay may take before their connections are cut. */
const IN_FLIGHT_GRACE_MS = 7000

export interface StartedService {
  app: FastifyInstance
  /** Releases what the app was built on (the database, Redis) once the app has closed. */
  close?: () => Promise<void>
}

async function listenOn(app: FastifyInstance, port: number, host: string, setting: string): Promise<void> {
  try {
    await app.listen({ port, host })
  } catch (error) {
    const code = (error as { code?: unknown }).code
    if (code === 'EADDRINUSE') throw new ConfigError(`${setting} ${port} on ${host} is already in use by another program; stop it or choose another ${setting}`)
    if (code === 'EADDRNOTAVAIL') throw new ConfigError(`${host} is not an address of this machine (${setting} ${port})`)
    throw error
  }
}

/** Whether a process's settings name a database (auth, user, admin do; the gateway does not). */
function hasDatabase(config: CommonConfig): config is CommonConfig & DatabaseConfig {
  return 'dataDir' in config
}

/** Runs a service: `load` reads its own settings (its config module's loader), `start` builds its app on them. */
export function runService<C extends CommonConfig>(name: string, load: () => C, start: (config: C) => Promise<StartedService>): void {
  let loaded: C | undefined
  const main = async (): Promise<void> => {
    const config = load()
    loaded = config
    const { app, close } = await start(config)
    let closing = false
    let repeatLogged = false
    // Draining: first tell balancers (readiness red) while still serving everything, each answer closing its connection; once
    // they have stopped sending (the gateway probes every second), stop listening and let what is in flight finish.
    const stop = async (signal: string) => {
      if (closing) {
        // A SIGTERM to the process group reaches this process twice: from the group, and again from `pnpm start`'s
        // supervisor stopping its children. Kept handled, it cannot kill the drain (the default action would exit at once).
        if (!repeatLogged) app.log.info({ signal }, 'already draining; the signal is ignored')
        repeatLogged = true
        return
      }
      closing = true
      app.log.info({ signal, drainDelayMs: config.drainDelayMs }, 'draining')
      app.startDraining()
      await sleep(config.drainDelayMs)
      const reaper = setInterval(() => app.server.closeIdleConnections(), 100)
      const deadline = setTimeout(() => app.server.closeAllConnections(), IN_FLIGHT_GRACE_MS)
      await app.close()
      clearInterval(reaper)
      clearTimeout(deadline)
      await close?.()
      process.exit(0)
    }
    // process.on, not once: a signal arriving while draining must find a handler, or it ends the process mid-drain.
    process.on('SIGTERM', () => void stop('SIGTERM'))
    process.on('SIGINT', () => void stop('SIGINT'))
    // Started by `pnpm start` with an IPC channel: when that supervisor dies, even by SIGKILL, stop too.
    process.once('disconnect', () => void stop('supervisor gone'))
    await listenOn(app, config.port, config.host, 'PORT')
    // The management port comes up last: whoever probes /readyz there may send traffic as soon as it answers.
    await listenOn(app.management, config.managementPort, config.managementHost, 'MANAGEMENT_PORT')
  }

  main().catch((error: unknown) => {
    if (error instanceof ConfigError) {
      console.error(`${name}: configuration error: ${error.message}`)
      process.exit(2)
    }
    // A database that cannot be reached or used is said in one sentence an operator can act on, not as a stack trace.
    const database = loaded && hasDatabase(loaded) ? describeDatabaseError(error, loaded) : undefined
    if (database) {
      console.error(`${name}: ${database}`)
      process.exit(1)
    }
    console.error(`${name}: failed to start:`, error)
    process.exit(1)
  })
}
