// The stack stops however its launcher goes: `pnpm start` runs pnpm → sh -c → node scripts/start.ts, and a signal to pnpm
// alone ends pnpm and its shell without a word to node; the supervisor notices it was left and stops every process.
import { type ChildProcess, spawn } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { inheritedEnvironment } from '@portcullis/testkit/settings'
import t from 'tap'
import { freePort } from '@portcullis/testkit/processes'
import { LIGHT_SETTINGS } from '@portcullis/testkit/stack-run'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
  } catch {
    return undefined
  }
}

/** Alive and not a zombie waiting for its parent to read its exit. */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0] !== 'Z'
  } catch {
    return false
  }
}

/** Every process below `pid`: the shell, the supervisor and the four services. */
function descendants(pid: number): number[] {
  const all = readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
  const found: number[] = []
  let frontier = [pid]
  while (frontier.length > 0) {
    const children = all.filter((candidate) => frontier.includes(parentOf(candidate) ?? -1))
    found.push(...children)
    frontier = children
  }
  return found
}

function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

const cases = [
  { command: 'start', signal: 'SIGTERM' },
  { command: 'start', signal: 'SIGKILL' },
  { command: 'start:tls', signal: 'SIGTERM' },
] as const

for (const { command, signal } of cases) {
  t.test(`${signal} to the launcher of pnpm ${command} alone stops the whole stack`, async (t) => {
    const dir = await mkdtemp(path.join(tmpdir(), 'portcullis-launcher-'))
    t.teardown(() => rm(dir, { recursive: true, force: true }))
    const port = await freePort()
    const tls = command === 'start:tls' ? { HTTPS_PORT: String(await freePort()), HTTP_PORT: String(await freePort()) } : {}
    const pnpm: ChildProcess = spawn('pnpm', [command], {
      cwd: root,
      env: { ...inheritedEnvironment(), ...LIGHT_SETTINGS, DRAIN_DELAY_MS: '0', PORT: String(port), DATA_DIR: dir, ...tls },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    pnpm.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()))
    pnpm.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()))
    let stack: number[] = []
    t.teardown(() => {
      for (const pid of stack) if (running(pid)) process.kill(pid, 'SIGKILL')
    })
    const deadline = Date.now() + 150_000
    while (!/ready at/.test(output) && Date.now() < deadline && pnpm.exitCode === null) await new Promise((resolve) => setTimeout(resolve, 200))
    t.match(output, /ready at/, 'the stack started under pnpm')
    stack = descendants(pnpm.pid as number)
    t.ok(
      stack.length >= 6,
      `pnpm's processes: ${stack.length} (its shell, the supervisor, four services${command === 'start:tls' ? ', Nginx and its worker' : ''})`,
    )
    t.ok(await portAnswers(port), 'the gateway answers')

    process.kill(pnpm.pid as number, signal)
    const stopBy = Date.now() + 8000
    while (stack.some(running) && Date.now() < stopBy) await new Promise((resolve) => setTimeout(resolve, 100))
    t.same(stack.filter(running), [], 'no process of the stack is left within a few seconds')
    t.notOk(await portAnswers(port), 'and the port is free')
    if (tls.HTTPS_PORT) t.notOk(await portAnswers(Number(tls.HTTPS_PORT)), 'Nginx is gone too')
    t.match(output, /launcher .* is gone; stopping the stack/, 'the supervisor said why it stopped')
  })
}
