// A private MariaDB server for fault injection: its own data directory and free port, stopped and started again at will.
// The shared server on 3306 is never touched: other suites use it.
import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { freePort } from '@portcullis/shared/net/free-port'
import { searchPath } from './settings.ts'

const run = promisify(execFile)

function binary(names: string[]): string | undefined {
  for (const name of names) {
    for (const dir of ['/usr/sbin', '/usr/bin', '/usr/local/sbin', '/usr/local/bin', ...searchPath()]) {
      const candidate = path.join(dir, name)
      if (existsSync(candidate)) return candidate
    }
  }
  return undefined
}

export interface PrivateMariaDb {
  /** mysql://root@127.0.0.1:<port>, with no database. */
  url: string
  port: number
  /** Stops the server (SIGTERM: a clean shutdown) and resolves when it has exited. */
  stop(signal?: NodeJS.Signals): Promise<void>
  /** Starts it again on the same data directory and port; resolves when it accepts connections. */
  start(): Promise<void>
  running(): boolean
  log(): string
  destroy(): Promise<void>
}

export function mariaDbAvailable(): boolean {
  return binary(['mariadbd', 'mysqld']) !== undefined && binary(['mariadb-install-db', 'mysql_install_db']) !== undefined
}

export async function startPrivateMariaDb(): Promise<PrivateMariaDb> {
  const server = binary(['mariadbd', 'mysqld'])
  const install = binary(['mariadb-install-db', 'mysql_install_db'])
  if (!server || !install) throw new Error('mariadbd and mariadb-install-db are needed (apt-get install mariadb-server)')
  const dir = await mkdtemp(path.join(tmpdir(), 'portcullis-mariadb-'))
  const datadir = path.join(dir, 'data')
  await run(install, ['--no-defaults', `--datadir=${datadir}`, '--auth-root-authentication-method=normal', '--user=root', '--skip-test-db'], {
    timeout: 60_000,
  })
  const port = await freePort()
  let child: ChildProcess | undefined
  let output = ''

  async function start(): Promise<void> {
    const started = spawn(
      server as string,
      [
        '--no-defaults',
        `--datadir=${datadir}`,
        `--port=${port}`,
        `--socket=${path.join(dir, 'mysqld.sock')}`,
        `--pid-file=${path.join(dir, 'mysqld.pid')}`,
        '--bind-address=127.0.0.1',
        '--user=root',
        '--skip-log-bin',
        '--innodb-buffer-pool-size=64M',
        '--max-connections=200',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    )
    child = started
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`MariaDB did not start within 60 s:\n${output.slice(-2000)}`)), 60_000)
      const onData = (chunk: Buffer) => {
        output += chunk.toString()
        if (/ready for connections/.test(output.slice(-4000))) {
          clearTimeout(timer)
          resolve()
        }
      }
      started.stdout?.on('data', onData)
      started.stderr?.on('data', onData)
      started.once('exit', (code) => {
        clearTimeout(timer)
        reject(new Error(`MariaDB exited with ${code} while starting:\n${output.slice(-2000)}`))
      })
    })
    output += `\n--- start on port ${port}\n`
    await ready
  }

  async function stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const current = child
    if (!current || current.exitCode !== null || current.signalCode !== null) return
    const exited = new Promise<void>((resolve) => current.once('exit', () => resolve()))
    current.kill(signal)
    const timer = setTimeout(() => current.kill('SIGKILL'), 60_000)
    await exited
    clearTimeout(timer)
  }

  // Should the test process die without its teardown, the server must not outlive it.
  process.once('exit', () => child?.kill('SIGKILL'))
  await start()
  return {
    url: `mysql://root@127.0.0.1:${port}`,
    port,
    stop,
    start,
    running: () => child !== undefined && child.exitCode === null && child.signalCode === null,
    log: () => output,
    async destroy() {
      await stop('SIGKILL')
      await rm(dir, { recursive: true, force: true })
    },
  }
}
