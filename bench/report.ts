// The results of one run as a markdown table and as JSON: bench/results/latest.{md,json}, and <label>.{md,json} when the run has a label.
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { Machine } from './machine.ts'
import { cpuPerRequest, type Measurement, type ProcessPss } from './measure.ts'
import type { ScenarioResult } from './scenario.ts'
import type { BenchSettings } from './settings.ts'

export interface BenchRun {
  label: string | undefined
  command: string
  startedAt: string
  seconds: number
  machine: Machine
  load: { start: [number, number, number]; end: [number, number, number] }
  settings: Pick<BenchSettings, 'seconds' | 'warmupSeconds' | 'connections' | 'rounds' | 'serviceEnv' | 'pagingUsers' | 'deepPage'>
  scenarios: Array<{ number: number; id: string; title: string; result: ScenarioResult }>
}

const number = (value: number, digits = 0) => value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })

function rss(peaks: Record<string, number>): string {
  return Object.entries(peaks)
    .map(([name, mib]) => `${name} ${mib}`)
    .join(', ')
}

function cpu(m: Measurement): string {
  const parts = Object.entries(m.cpuMsPerRequest).map(([name, ms]) => `${name} ${number(ms, 2)}`)
  return parts.length > 1 ? `${number(cpuPerRequest(m), 2)} (${parts.join(', ')})` : (parts[0] ?? '')
}

function row(scenario: number, m: Measurement): string {
  const failures = `${m.non2xx} / ${m.errors}`
  return `| ${scenario} | ${m.name} | ${number(m.requestsPerSecond, m.requestsPerSecond < 100 ? 1 : 0)} | ${m.latencyP50Ms} | ${m.latencyP99Ms} | ${failures} | ${cpu(m)} | ${rss(m.peakRssMiB)} | ${m.load1} |`
}

export function renderMarkdown(run: BenchRun): string {
  const { machine, settings } = run
  const env = Object.entries(settings.serviceEnv)
    .map(([name, value]) => `${name}=${value}`)
    .join(' ')
  const lines = [
    `# Portcullis benchmark${run.label ? `: ${run.label}` : ''}`,
    '',
    `- command: \`${run.command}\``,
    `- started ${run.startedAt}, took ${number(run.seconds)} s`,
    `- machine: ${machine.cores} cores (nproc) of ${machine.cpuModel}, ${machine.memoryGiB} GiB, Linux ${machine.kernel}, Node ${machine.node}, MariaDB ${machine.mariadb}, Nginx ${machine.nginx}`,
    `- load averages (1/5/15 min, shared machine): ${run.load.start.join(' ')} at the start, ${run.load.end.join(' ')} at the end`,
    '- CPU ms per request: user + system time of the processes serving it (from /proc/<pid>/stat) over their responses; the machine’s other load changes it least',
    `- each measurement: autocannon on 127.0.0.1, ${settings.connections} keep-alive connections, ${settings.warmupSeconds} s warm-up then ${settings.seconds} s measured, in ${settings.rounds} rounds alternating with the measurements it is compared with`,
    `- Portcullis at its shipped settings${env ? ` except ${env}` : ''}; gateway rate limits off (RATE_LIMIT_PER_IP=0, LOGIN_LIMIT_PER_IP=0)`,
    '',
    '| # | measurement | req/s | p50 ms | p99 ms | non-2xx / errors | CPU ms per request | peak RSS MiB per process | load 1m |',
    '|---|---|---:|---:|---:|---:|---|---|---:|',
  ]
  for (const { number: n, title, result } of run.scenarios) {
    if (result.skipped) lines.push(`| ${n} | ${title}: skipped: ${result.skipped} | | | | | | | |`)
    else if (result.failed) lines.push(`| ${n} | ${title}: failed: ${result.failed} | | | | | | | |`)
    for (const measurement of result.rows) lines.push(row(n, measurement))
  }
  lines.push('', '## Ratios and findings (same run)', '')
  for (const { number: n, title, result } of run.scenarios) {
    lines.push(`### ${n}. ${title}`, '')
    if (result.skipped) lines.push(`skipped: ${result.skipped}`, '')
    if (result.failed) lines.push(`failed: ${result.failed}`, '')
    for (const derived of result.derived) {
      const value = derived.value === undefined ? 'n/a' : `**${number(derived.value, 3)}**`
      lines.push(`- ${derived.label}: ${value}${derived.meaning ? ` (${derived.meaning})` : ''}`)
    }
    for (const note of result.notes) lines.push(`- ${note}`)
    lines.push('')
  }
  return `${lines.join('\n')}\n`
}

export async function writeReport(run: BenchRun, dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true })
  const markdown = renderMarkdown(run)
  const json = `${JSON.stringify(run, null, 2)}\n`
  const names = ['latest', ...(run.label ? [run.label] : [])]
  const written: string[] = []
  for (const name of names) {
    await writeFile(path.join(dir, `${name}.md`), markdown)
    await writeFile(path.join(dir, `${name}.json`), json)
    written.push(path.join(dir, `${name}.md`), path.join(dir, `${name}.json`))
  }
  return written
}

/** The stack's memory as `pnpm start` runs it (bench/scenarios/memory.ts): Pss per process, idle and after the mixed load. */
export interface MemoryRun {
  command: string
  startedAt: string
  serviceEnv: Record<string, string>
  load: { start: [number, number, number]; end: [number, number, number] }
  loadSeconds: number
  workers: number
  mix: Record<string, number>
  requests: Record<string, { ok: number; failed: number }>
  idle: ProcessPss[]
  afterLoad: ProcessPss[]
  /** The highest Pss each process reached, sampled every 500 ms through the load. */
  peakMiB: Record<string, number>
}

const PROCESS_ORDER = ['supervisor', 'auth', 'user', 'admin', 'oidc', 'gateway']

export function renderMemoryMarkdown(run: MemoryRun): string {
  const names = [...new Set([...PROCESS_ORDER, ...run.idle.map((p) => p.name), ...run.afterLoad.map((p) => p.name)])].filter(
    (name) => run.idle.some((p) => p.name === name) || run.afterLoad.some((p) => p.name === name),
  )
  const sum = (list: ProcessPss[], name?: string) => list.filter((p) => name === undefined || p.name === name).reduce((total, p) => total + p.pssMiB, 0)
  const env = Object.entries(run.serviceEnv)
    .map(([name, value]) => `${name}=${value}`)
    .join(' ')
  const requests = Object.entries(run.requests)
    .map(([kind, { ok, failed }]) => `${kind} ${number(ok)} ok${failed ? ` / ${number(failed)} failed` : ''}`)
    .join(', ')
  const lines = [
    '# Portcullis memory: the whole stack (pnpm start)',
    '',
    `- command: \`${run.command}\`${env ? ` (extra environment: ${env})` : ''}`,
    `- started ${run.startedAt}; load averages ${run.load.start.join(' ')} at the start, ${run.load.end.join(' ')} at the end`,
    `- Pss from /proc/<pid>/smaps_rollup, MiB; idle = 5 s after start-up and sign-ups; load = ${run.loadSeconds} s, ${run.workers} workers through the gateway, mix ${JSON.stringify(run.mix)}: ${requests}`,
    '',
    '| process | idle | after load | peak |',
    '|---|---:|---:|---:|',
  ]
  for (const name of names)
    lines.push(`| ${name} | ${number(sum(run.idle, name), 1)} | ${number(sum(run.afterLoad, name), 1)} | ${number(run.peakMiB[name] ?? 0, 1)} |`)
  lines.push(`| **whole stack** | **${number(sum(run.idle), 1)}** | **${number(sum(run.afterLoad), 1)}** | |`)
  return `${lines.join('\n')}\n`
}
