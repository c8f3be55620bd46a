// Where a gateway's CPU goes on an authenticated GET /user/profile: the bench stack, one more gateway run with --cpu-prof, loaded
// with autocannon for BENCH_SECONDS (10) at BENCH_CONNECTIONS (10), then the functions with the most self time in its profile,
// and the same grouped by package. `node bench/cpu-profile.ts` (BENCH_SERVICE_ENV applies, e.g. LOG_LEVEL=warn); not a benchmark:
// the profiler itself slows the gateway down.
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import autocannon from 'autocannon'
import { bearer, createAccount } from './accounts.ts'
import { killAllProcesses } from './processes.ts'
import { loadBenchSettings } from './settings.ts'
import { startBenchStack } from './stack.ts'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  hitCount?: number
}

interface CpuProfile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
}

/** Self time per function and per package (the folder after node_modules/.pnpm, or the workspace path), in % of all samples. */
export function selfTimes(profile: CpuProfile): { functions: Array<[string, number]>; packages: Array<[string, number]> } {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const functions = new Map<string, number>()
  const packages = new Map<string, number>()
  let total = 0
  profile.samples.forEach((id, i) => {
    const node = byId.get(id)
    const delta = profile.timeDeltas[i] ?? 0
    if (!node) return
    total += delta
    const { functionName, url, lineNumber } = node.callFrame
    const file = url.replace(/^file:\/\//, '')
    const where = file.includes('node_modules/.pnpm/')
      ? (file
          .split('node_modules/.pnpm/')[1]
          ?.split('/node_modules/')[1]
          ?.split('/')
          .slice(0, file.includes('/@') ? 2 : 1)
          .join('/') ?? file)
      : file.startsWith('node:') || file === ''
        ? file || '(native)'
        : path.relative(process.cwd(), file).split('/').slice(0, 3).join('/')
    const name = `${functionName || '(anonymous)'} ${path.basename(file)}:${lineNumber + 1}`
    functions.set(name, (functions.get(name) ?? 0) + delta)
    packages.set(where, (packages.get(where) ?? 0) + delta)
  })
  const top = (map: Map<string, number>) =>
    [...map.entries()].sort((a, b) => b[1] - a[1]).map(([key, value]): [string, number] => [key, Math.round((value / total) * 1000) / 10])
  return { functions: top(functions), packages: top(packages) }
}

async function main(): Promise<void> {
  const settings = loadBenchSettings()
  const workDir = await mkdtemp(path.join(tmpdir(), 'portcullis-profile-'))
  const logDir = path.join(workDir, 'logs')
  const profileDir = path.join(workDir, 'profile')
  await mkdir(logDir)
  await mkdir(profileDir)
  const stack = await startBenchStack('sqlite', { env: settings.serviceEnv, logDir, name: '' })
  try {
    const headers = bearer(await createAccount(stack, 'bench-cpu-profile'))
    const profiled = await stack.startGateway('gateway-profiled', stack.users, {
      NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${profileDir}`,
      DRAIN_DELAY_MS: '0',
    })
    const result = await autocannon({ url: `${profiled.url}/user/profile`, headers, connections: settings.connections, duration: settings.seconds })
    console.log(`profile: ${Math.round(result.requests.average)} req/s under the profiler, ${result.non2xx} non-2xx, p99 ${result.latency.p99} ms`)
    await profiled.stop()
    const [file] = await readdir(profileDir)
    if (!file) throw new Error('the profiled gateway wrote no profile')
    const { functions, packages } = selfTimes(JSON.parse(await readFile(path.join(profileDir, file), 'utf8')) as CpuProfile)
    console.log('\nself time by function (%):')
    for (const [name, share] of functions.slice(0, 40)) console.log(`${String(share).padStart(6)}  ${name}`)
    console.log('\nself time by package or folder (%):')
    for (const [name, share] of packages.slice(0, 25)) console.log(`${String(share).padStart(6)}  ${name}`)
  } finally {
    await stack.stop()
    await rm(workDir, { recursive: true, force: true })
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    killAllProcesses()
    console.error(error)
    process.exit(1)
  },
)
