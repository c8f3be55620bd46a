// pnpm bench:compare: one change measured against the current settings in the same minutes. Stack A runs as `pnpm bench` runs it;
// stack B runs with BENCH_B_ENV on top, or from BENCH_B_ROOT (a copy of the tree with a code change); each endpoint alternates A B A B.
// Writes bench/results/compare-<BENCH_LABEL>.{md,json}.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { BENCH_PASSWORD, bearer, createAccount } from './accounts.ts'
import { describeMachine, loadAverages } from './machine.ts'
import { cpuPerRequest, type Measurement, measureTogether, ratio, type Target } from './measure.ts'
import { killAllProcesses } from './processes.ts'
import { refreshTarget } from './scenarios/refresh.ts'
import { BenchSettingsError, type CompareTarget, loadBenchSettings, loadCompareSettings, ROOT } from './settings.ts'
import { type BenchStack, startBenchStack } from './stack.ts'

async function targetOn(stack: BenchStack, id: CompareTarget, side: string, settings: ReturnType<typeof loadBenchSettings>): Promise<Target> {
  const [user] = stack.users
  if (!user) throw new Error('the stack has no user instance')
  const username = `bench-${side}-${id}`
  switch (id) {
    case 'profile':
      return {
        name: `${side}: profile via gateway`,
        url: `${stack.url}/user/profile`,
        headers: bearer(await createAccount(stack, username)),
        processes: [stack.gateway, user],
      }
    case 'direct':
      return { name: `${side}: profile direct`, url: `${user.url}/user/profile`, headers: bearer(await createAccount(stack, username)), processes: [user] }
    case 'login':
      await createAccount(stack, username)
      return {
        name: `${side}: login`,
        url: `${stack.url}/auth/login`,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password: BENCH_PASSWORD }),
        processes: [stack.gateway, stack.auth],
      }
    case 'refresh':
      return refreshTarget(settings, stack, `${side}: refresh`)
  }
}

function renderRow(a: Measurement, b: Measurement): string {
  const rss = (m: Measurement) => Object.values(m.peakRssMiB).reduce((sum, mib) => sum + mib, 0)
  const [cpuA, cpuB] = [cpuPerRequest(a), cpuPerRequest(b)]
  return `| ${a.name.replace(/^A: /, '')} | ${a.requestsPerSecond.toFixed(1)} | ${b.requestsPerSecond.toFixed(1)} | **${ratio(b.requestsPerSecond, a.requestsPerSecond)}** | ${cpuA.toFixed(3)} | ${cpuB.toFixed(3)} | **${ratio(cpuB, cpuA)}** | ${a.latencyP50Ms} / ${a.latencyP99Ms} | ${b.latencyP50Ms} / ${b.latencyP99Ms} | ${a.non2xx + a.errors} / ${b.non2xx + b.errors} | ${rss(a)} / ${rss(b)} |`
}

async function main(): Promise<number> {
  const settings = loadBenchSettings(undefined, process.argv, 'pnpm bench:compare')
  const compare = loadCompareSettings()
  const label = settings.label ?? 'compare'
  const started = Date.now()
  const load = loadAverages()
  const workDir = await mkdtemp(path.join(tmpdir(), 'portcullis-compare-'))
  const logDir = path.join(workDir, 'logs')
  await mkdir(logDir)
  process.once('SIGINT', () => {
    killAllProcesses()
    process.exit(130)
  })
  const machine = await describeMachine(settings.mysqlUrl)
  console.log(`compare: A = this tree${Object.keys(settings.serviceEnv).length ? ` with ${JSON.stringify(settings.serviceEnv)}` : ''}`)
  console.log(`compare: B = ${compare.bRoot === ROOT ? 'this tree' : compare.bRoot} with ${JSON.stringify({ ...settings.serviceEnv, ...compare.bEnv })}`)
  const a = await startBenchStack(compare.database, { env: settings.serviceEnv, logDir, name: 'a-' })
  const b = await startBenchStack(compare.database, { env: { ...settings.serviceEnv, ...compare.bEnv }, logDir, name: 'b-', root: compare.bRoot }).catch(
    async (error) => {
      await a.stop()
      throw error
    },
  )
  const pairs: Array<[Measurement, Measurement]> = []
  try {
    for (const id of compare.targets) {
      const [ma, mb] = await measureTogether([await targetOn(a, id, 'A', settings), await targetOn(b, id, 'B', settings)], settings)
      if (ma && mb) pairs.push([ma, mb])
    }
  } finally {
    await b.stop()
    await a.stop()
  }
  const lines = [
    `# Portcullis comparison: ${label}`,
    '',
    `- command: \`${settings.command}\``,
    `- A: this tree${
      Object.keys(settings.serviceEnv).length
        ? `, ${Object.entries(settings.serviceEnv)
            .map(([k, v]) => `${k}=${v}`)
            .join(' ')}`
        : ', shipped settings'
    }`,
    `- B: ${compare.bRoot === ROOT ? 'this tree' : `the tree at ${compare.bRoot}`}${
      Object.keys(compare.bEnv).length
        ? `, ${Object.entries(compare.bEnv)
            .map(([k, v]) => `${k}=${v}`)
            .join(' ')}`
        : ''
    }`,
    `- ${compare.database}; ${settings.connections} connections; ${settings.rounds} alternating rounds of ${settings.warmupSeconds} s warm-up + ${settings.seconds / settings.rounds} s measured per side`,
    `- machine: ${machine.cores} cores of ${machine.cpuModel}, Node ${machine.node}; load averages ${load.join(' ')} at the start, ${loadAverages().join(' ')} at the end; took ${Math.round((Date.now() - started) / 1000)} s`,
    '',
    '| endpoint | A req/s | B req/s | B ÷ A | A CPU ms/req | B CPU ms/req | B ÷ A | A p50 / p99 ms | B p50 / p99 ms | failures A / B | peak RSS MiB A / B (sum) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...pairs.map(([ma, mb]) => renderRow(ma, mb)),
    '',
  ]
  await mkdir(settings.resultsDir, { recursive: true })
  const base = path.join(settings.resultsDir, `compare-${label}`)
  await writeFile(`${base}.md`, lines.join('\n'))
  await writeFile(`${base}.json`, `${JSON.stringify({ label, command: settings.command, compare, machine, load, pairs }, null, 2)}\n`)
  console.log(`\n${lines.join('\n')}`)
  console.log(`compare: wrote ${path.relative(process.cwd(), base)}.md and .json`)
  await rm(workDir, { recursive: true, force: true })
  return 0
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    killAllProcesses()
    console.error(`compare: ${error instanceof BenchSettingsError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}`)
    process.exit(error instanceof BenchSettingsError ? 2 : 1)
  },
)
