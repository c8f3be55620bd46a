// pnpm bench: starts Portcullis (and its peers) as real processes, runs each scenario under autocannon for a bounded time,
// and writes bench/results/latest.md and latest.json. BENCH_SECONDS, BENCH_CONNECTIONS, BENCH_ONLY, BENCH_SERVICE_ENV: see settings.ts.
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { DatabaseKind } from '@portcullis/shared/db/handle'
import { describeMachine, loadAverages } from './machine.ts'
import { measureTogether, ProcessGone } from './measure.ts'
import { killAllProcesses } from './processes.ts'
import { type BenchRun, renderMarkdown, writeReport } from './report.ts'
import type { BenchContext, Scenario, ScenarioResult } from './scenario.ts'
import { adminPagingScenario } from './scenarios/admin-paging.ts'
import { betterAuthScenario } from './scenarios/better-auth.ts'
import { loginScenario } from './scenarios/login.ts'
import { nginxTlsScenario } from './scenarios/nginx-tls.ts'
import { profileScenario } from './scenarios/profile.ts'
import { refreshScenario } from './scenarios/refresh.ts'
import { scaleOutScenario } from './scenarios/scale-out.ts'
import { BenchSettingsError, loadBenchSettings } from './settings.ts'
import { type BenchStack, startBenchStack } from './stack.ts'

/** The order they run in: the 100k-user insert comes last, so it cannot slow the others' queries. */
const SCENARIOS: Scenario[] = [profileScenario, loginScenario, refreshScenario, scaleOutScenario, betterAuthScenario, nginxTlsScenario, adminPagingScenario]

/** However the scenarios go, the run ends: nothing here may hold the machine longer than this. */
const RUN_LIMIT_MS = 20 * 60_000

async function main(): Promise<number> {
  const settings = loadBenchSettings()
  const started = Date.now()
  const load = loadAverages()
  const workDir = await mkdtemp(path.join(tmpdir(), 'portcullis-bench-'))
  const logDir = path.join(workDir, 'logs')
  await mkdir(logDir)
  const cleanups: Array<() => Promise<void>> = []
  let shared: Promise<BenchStack> | undefined
  let sharedStack: BenchStack | undefined
  const startStack = async (kind: DatabaseKind, name: string) => {
    console.log(`bench: starting the ${kind} stack${name ? ` (${name.replace(/-$/, '')})` : ''}`)
    const stack = await startBenchStack(kind, { env: settings.serviceEnv, logDir, name })
    cleanups.push(stack.stop)
    return stack
  }
  const context: BenchContext = {
    settings,
    sqliteStack: async () => {
      if (sharedStack && !sharedStack.alive()) {
        console.log('bench: a process of the shared stack is gone; starting a fresh one')
        await sharedStack.stop()
        shared = undefined
      }
      shared ??= startStack('sqlite', '').then(
        (stack) => {
          sharedStack = stack
          return stack
        },
        (error: unknown) => {
          shared = undefined
          throw error
        },
      )
      return shared
    },
    startStack,
    measure: (...targets) => measureTogether(targets, settings),
    onCleanup: (fn) => cleanups.push(fn),
    logDir,
    workDir,
  }
  const cleanUp = async () => {
    for (const fn of cleanups.reverse()) await fn().catch((error: unknown) => console.error(`bench: cleanup failed: ${String(error)}`))
    cleanups.length = 0
  }
  const stop = () => {
    killAllProcesses()
    process.exit(130)
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
  const limit = setTimeout(() => {
    console.error(`bench: still running after ${RUN_LIMIT_MS / 60_000} minutes; stopping everything (logs in ${logDir})`)
    killAllProcesses()
    process.exit(1)
  }, RUN_LIMIT_MS)
  limit.unref()

  const machine = await describeMachine(settings.mysqlUrl)
  console.log(
    `bench: ${machine.cores} cores of ${machine.cpuModel}, load ${load.join(' ')}; ${settings.seconds} s per measurement, ${settings.connections} connections`,
  )
  const results: BenchRun['scenarios'] = []
  for (const scenario of SCENARIOS.filter((s) => settings.only.includes(s.id))) {
    console.log(`bench: ${scenario.number}. ${scenario.title}`)
    let result: ScenarioResult | undefined
    // Once more on a fresh stack when a process was stopped from outside: the machine is shared, and neighbours clean up.
    for (let attempt = 1; !result; attempt++) {
      try {
        result = await scenario.run(context)
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error)
        const retry = attempt === 1 && (error instanceof ProcessGone || sharedStack?.alive() === false)
        console.error(`bench:   failed: ${message}${retry ? '; running it again' : ''}`)
        if (!retry) result = { rows: [], derived: [], notes: [], failed: message.split('\n')[0] ?? message }
      }
    }
    if (result.skipped) console.log(`bench:   skipped: ${result.skipped}`)
    results.push({ number: scenario.number, id: scenario.id, title: scenario.title, result })
  }
  await cleanUp()

  const run: BenchRun = {
    label: settings.label,
    command: settings.command,
    startedAt: new Date(started).toISOString(),
    seconds: Math.round((Date.now() - started) / 1000),
    machine,
    load: { start: load, end: loadAverages() },
    settings: {
      seconds: settings.seconds,
      warmupSeconds: settings.warmupSeconds,
      connections: settings.connections,
      rounds: settings.rounds,
      serviceEnv: settings.serviceEnv,
      pagingUsers: settings.pagingUsers,
      deepPage: settings.deepPage,
    },
    scenarios: results.sort((a, b) => a.number - b.number),
  }
  const written = await writeReport(run, settings.resultsDir)
  console.log(`\n${renderMarkdown(run)}`)
  console.log(`bench: wrote ${written.map((file) => path.relative(process.cwd(), file)).join(', ')}`)
  const failed = results.some(({ result }) => result.failed)
  if (failed) console.log(`bench: a scenario failed; the processes' logs are kept in ${logDir}`)
  else await rm(workDir, { recursive: true, force: true })
  return failed ? 1 : 0
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    killAllProcesses()
    console.error(`bench: ${error instanceof BenchSettingsError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}`)
    process.exit(error instanceof BenchSettingsError ? 2 : 1)
  },
)
