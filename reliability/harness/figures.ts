// The figures each reliability test reports: printed as TAP comments and written to test-artifacts/reliability/<name>.json.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const FIGURES_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../test-artifacts/reliability')

export interface Figures {
  name: string
  /** HTTP requests the test sent. */
  requests: number
  /** Faults it injected: processes signalled, database stops, replays. */
  faults: number
  /** Requests that failed where none may: 5xx, leaks, connection errors, unexpected statuses. */
  errors: number
  /** Records the system acknowledged and then did not have. */
  dataLost: number
  details: Record<string, unknown>
}

interface Commenter {
  comment(...message: unknown[]): void
}

export function reportFigures(t: Commenter, figures: Figures): void {
  const { name, requests, faults, errors, dataLost, details } = figures
  t.comment(`${name}: ${requests} requests, ${faults} faults injected, ${errors} errors, ${dataLost} data lost`)
  for (const [key, value] of Object.entries(details)) t.comment(`  ${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`)
  mkdirSync(FIGURES_DIR, { recursive: true })
  writeFileSync(path.join(FIGURES_DIR, `${name}.json`), `${JSON.stringify({ ...figures, at: new Date().toISOString() }, null, 2)}\n`)
}

export function readAllFigures(): Figures[] {
  let files: string[]
  try {
    files = readdirSync(FIGURES_DIR).filter((file) => file.endsWith('.json'))
  } catch {
    return []
  }
  return files.sort().map((file) => JSON.parse(readFileSync(path.join(FIGURES_DIR, file), 'utf8')) as Figures)
}

export function clearFigures(): void {
  rmSync(FIGURES_DIR, { recursive: true, force: true })
}
