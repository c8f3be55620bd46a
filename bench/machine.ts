// The machine a run measured: cores, CPU model, memory, Node, MariaDB and Nginx versions, and how loaded it was.
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { availableParallelism, loadavg, release, totalmem } from 'node:os'
import { connectMysql } from './workspace-modules.ts'

export interface Machine {
  cores: number
  cpuModel: string
  memoryGiB: number
  kernel: string
  node: string
  mariadb: string
  nginx: string
}

function cpuModel(): string {
  try {
    return /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? 'unknown'
  } catch {
    return 'unknown'
  }
}

async function mariadbVersion(url: string): Promise<string> {
  try {
    const connection = await connectMysql(url)
    try {
      const [rows] = await connection.query('select version() as version')
      return String((rows as Array<{ version: unknown }>)[0]?.version ?? 'unknown')
    } finally {
      await connection.end()
    }
  } catch (error) {
    return `not reachable at ${url.replace(/\/\/[^@/]*@/, '//')}: ${error instanceof Error ? error.message : String(error)}`
  }
}

function nginxVersion(): string {
  for (const command of ['nginx', '/usr/sbin/nginx']) {
    const result = spawnSync(command, ['-v'], { encoding: 'utf8' })
    if (result.status === 0) return `${result.stderr}${result.stdout}`.trim().replace(/^nginx version: /, '')
  }
  return 'not installed'
}

export async function describeMachine(mysqlUrl: string): Promise<Machine> {
  return {
    cores: availableParallelism(),
    cpuModel: cpuModel(),
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    kernel: release(),
    node: process.version,
    mariadb: await mariadbVersion(mysqlUrl),
    nginx: nginxVersion(),
  }
}

/** The 1, 5 and 15 minute load averages, as `uptime` prints them. */
export function loadAverages(): [number, number, number] {
  const [one = 0, five = 0, fifteen = 0] = loadavg().map((value) => Math.round(value * 100) / 100)
  return [one, five, fifteen]
}
