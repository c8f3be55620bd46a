// The whole stack's memory as `pnpm start` runs it (issue 17): the supervisor and its five processes, each one's Pss from
// /proc/<pid>/smaps_rollup (shared pages divided among the processes sharing them, so the sum is what the stack costs the
// machine), idle and after 60 s of mixed load through the gateway (profile reads, refreshes, logins), with each process's peak.
// Run it alone: `node bench/scenarios/memory.ts` (BENCH_SERVICE_ENV as for pnpm bench); it writes bench/results/memory.{md,json}.
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { inheritedPath } from '@portcullis/testkit/settings'
import { BENCH_PASSWORD, logIn, signUp, type Tokens } from '../accounts.ts'
import { loadAverages } from '../machine.ts'
import { type ProcessPss, treePss } from '../measure.ts'
import { freePort } from '../processes.ts'
import { renderMemoryMarkdown, type MemoryRun } from '../report.ts'
import { loadBenchSettings } from '../settings.ts'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const LOAD_SECONDS = 60
const IDLE_SETTLE_MS = 5000
const WORKERS = 8
const ACCOUNTS = 8
/** However fast the machine, the load stops here too. */
const MAX_REQUESTS = 300_000
const START_TIMEOUT_MS = 120_000
/** One request in this many is a login (argon2id at the shipped settings), three a refresh, the rest profile reads. */
const MIX = { login: 1, refresh: 3, profile: 6 }

/** `pnpm start` without pnpm: the root package.json's start script (node, its flags, scripts/start.ts). */
async function startCommand(root: string): Promise<string[]> {
  const manifest = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')) as { scripts: { start: string } }
  const [command, ...args] = manifest.scripts.start.split(/\s+/)
  if (command !== 'node') throw new Error(`the start script does not run node: ${manifest.scripts.start}`)
  return args
}

async function waitForReady(child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS
  while (!/portcullis: ready at/.test(output())) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`the stack did not start:\n${output().slice(-2000)}`)
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}

type Peaks = Record<string, number>

function snapshot(pid: number, peaks: Peaks): ProcessPss[] {
  const now = treePss(pid)
  for (const { name, pssMiB } of now) peaks[name] = Math.max(peaks[name] ?? 0, pssMiB)
  return now
}

async function mixedLoad(baseUrl: string, sessions: Tokens[], usernames: string[]): Promise<Record<string, { ok: number; failed: number }>> {
  const counts: Record<string, { ok: number; failed: number }> = { login: { ok: 0, failed: 0 }, refresh: { ok: 0, failed: 0 }, profile: { ok: 0, failed: 0 } }
  const weights = Object.entries(MIX)
  const total = weights.reduce((sum, [, weight]) => sum + weight, 0)
  const pick = (): string => {
    let roll = Math.random() * total
    for (const [name, weight] of weights) {
      roll -= weight
      if (roll < 0) return name
    }
    return 'profile'
  }
  const end = Date.now() + LOAD_SECONDS * 1000
  let sent = 0
  const worker = async (index: number) => {
    while (Date.now() < end && sent < MAX_REQUESTS) {
      sent++
      const kind = pick()
      const session = sessions[index] as Tokens
      try {
        let res: Response
        if (kind === 'login') {
          res = await fetch(`${baseUrl}/auth/login`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ username: usernames[index], password: BENCH_PASSWORD }),
          })
        } else if (kind === 'refresh') {
          res = await fetch(`${baseUrl}/auth/refresh`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ refresh_token: session.refresh_token }),
          })
        } else {
          res = await fetch(`${baseUrl}/user/profile`, { headers: { authorization: `Bearer ${session.access_token}` } })
        }
        const body = await res.text()
        if (res.status === 200 && kind !== 'profile') sessions[index] = JSON.parse(body) as Tokens
        ;(counts[kind] as { ok: number; failed: number })[res.status === 200 ? 'ok' : 'failed']++
      } catch {
        ;(counts[kind] as { ok: number; failed: number }).failed++
      }
    }
  }
  await Promise.all(Array.from({ length: WORKERS }, (_, index) => worker(index)))
  return counts
}

/** Runs `pnpm start` of the tree at `root` (this one by default; `--root <dir>` measures a copy, e.g. before a change). */
export async function measureStackMemory(serviceEnv: Record<string, string>, command: string, root = ROOT): Promise<MemoryRun> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'portcullis-memory-'))
  const port = await freePort()
  const loadAtStart = loadAverages()
  const started = Date.now()
  const args = await startCommand(root)
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { ...inheritedPath(), PORT: String(port), DATA_DIR: dataDir, RATE_LIMIT_PER_IP: '0', LOGIN_LIMIT_PER_IP: '0', ...serviceEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  })
  let output = ''
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const pid = child.pid as number
  try {
    await waitForReady(child, () => output)
    const baseUrl = `http://127.0.0.1:${port}`
    const usernames = Array.from({ length: ACCOUNTS }, (_, i) => `memory-${i}`)
    const sessions: Tokens[] = []
    for (const username of usernames) {
      await signUp(baseUrl, username)
      sessions.push(await logIn(baseUrl, username))
    }
    await new Promise((resolve) => setTimeout(resolve, IDLE_SETTLE_MS))
    const peaks: Peaks = {}
    const idle = snapshot(pid, peaks)
    const sampler = setInterval(() => snapshot(pid, peaks), 500)
    const requests = await mixedLoad(baseUrl, sessions, usernames).finally(() => clearInterval(sampler))
    const afterLoad = snapshot(pid, peaks)
    return {
      command,
      startedAt: new Date(started).toISOString(),
      serviceEnv,
      load: { start: loadAtStart, end: loadAverages() },
      loadSeconds: LOAD_SECONDS,
      workers: WORKERS,
      mix: MIX,
      requests,
      idle,
      afterLoad,
      peakMiB: peaks,
    }
  } finally {
    try {
      process.kill(-pid, 'SIGTERM')
    } catch {}
    const exited = new Promise((resolve) => child.once('exit', resolve))
    const timer = setTimeout(() => {
      try {
        process.kill(-pid, 'SIGKILL')
      } catch {}
    }, 15_000)
    if (child.exitCode === null) await exited
    clearTimeout(timer)
    await rm(dataDir, { recursive: true, force: true })
  }
}

if (import.meta.main) {
  const settings = loadBenchSettings(undefined, undefined, 'node bench/scenarios/memory.ts')
  const rootAt = process.argv.indexOf('--root')
  const root = rootAt > 0 ? path.resolve(process.argv[rootAt + 1] ?? ROOT) : ROOT
  const run = await measureStackMemory(settings.serviceEnv, settings.command, root)
  const markdown = renderMemoryMarkdown(run)
  await mkdir(settings.resultsDir, { recursive: true })
  const names = ['memory', ...(settings.label ? [`memory-${settings.label}`] : [])]
  for (const name of names) {
    await writeFile(path.join(settings.resultsDir, `${name}.md`), markdown)
    await writeFile(path.join(settings.resultsDir, `${name}.json`), `${JSON.stringify(run, null, 2)}\n`)
  }
  console.log(markdown)
}
