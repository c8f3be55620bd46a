// What a scenario is given (settings, the shared SQLite stack, a place for logs) and what it gives back for the report.
import type { DatabaseKind } from '@portcullis/shared/db/handle'
import type { Measurement, Target } from './measure.ts'
import type { BenchSettings, ScenarioId } from './settings.ts'
import type { BenchStack } from './stack.ts'

export interface Derived {
  /** A ratio or a difference from the same run, in words: "req/s gateway ÷ req/s user service direct". */
  label: string
  value: number | undefined
  /** How to read it. */
  meaning?: string
}

export interface ScenarioResult {
  rows: Measurement[]
  derived: Derived[]
  notes: string[]
  /** Set when the scenario could not run here: the report says "skipped: …". */
  skipped?: string
  /** Set when it broke: the report says "failed: …". */
  failed?: string
}

export interface BenchContext {
  settings: BenchSettings
  /** One Portcullis stack on SQLite, started on first use and shared by the scenarios that need nothing special. */
  sqliteStack(): Promise<BenchStack>
  /** A stack of its own, stopped with the run. */
  startStack(kind: DatabaseKind, name: string): Promise<BenchStack>
  /** Runs autocannon with the run's connections and duration, the targets in alternating rounds (see measure.ts). */
  measure(...targets: Target[]): Promise<Measurement[]>
  /** Stopped (in reverse) when the run ends. */
  onCleanup(fn: () => Promise<void>): void
  logDir: string
  workDir: string
}

export interface Scenario {
  id: ScenarioId
  /** Its number in the issue, and so in the table. */
  number: number
  title: string
  run(context: BenchContext): Promise<ScenarioResult>
}

export function skipped(reason: string): ScenarioResult {
  return { rows: [], derived: [], notes: [], skipped: reason }
}
