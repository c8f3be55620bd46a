// Bounded load: workers looping until a deadline or a request budget, every request counted, every unexpected answer kept.
import { type Answer, type Client, NoAnswer, type RequestOptions, Tally } from './http.ts'

export interface Failure {
  at: number
  op: string
  outcome: string
  detail: string
}

/** Counts what a load sent and got; `call` is the one way its workers send. */
export class LoadRecorder {
  readonly outcomes = new Tally()
  readonly failures: Failure[] = []
  readonly latencies: number[] = []
  readonly started = Date.now()
  sent = 0
  private readonly api: Client
  private readonly maxRequests: number

  constructor(api: Client, maxRequests: number) {
    this.api = api
    this.maxRequests = maxRequests
  }

  exhausted(): boolean {
    return this.sent >= this.maxRequests
  }

  /** Sends one request; an answer outside `expected` (or none at all) is a failure. Returns the answer when there is one. */
  async call(op: string, method: string, path: string, options: RequestOptions = {}, expected: readonly number[] = [200]): Promise<Answer | undefined> {
    this.sent++
    try {
      const answer = await this.api(method, path, options)
      this.latencies.push(answer.ms)
      this.outcomes.add(`${op} ${answer.status}`)
      if (!expected.includes(answer.status)) this.fail(op, String(answer.status), answer.text.slice(0, 300))
      return answer
    } catch (error) {
      const outcome = error instanceof NoAnswer ? error.code : 'client error'
      this.outcomes.add(`${op} ${outcome}`)
      this.fail(op, outcome, error instanceof Error ? error.message : String(error))
      return undefined
    }
  }

  fail(op: string, outcome: string, detail: string): void {
    if (this.failures.length < 1000) this.failures.push({ at: Date.now() - this.started, op, outcome, detail })
    else this.failures.length++
  }

  /** Milliseconds at the given percentile of the answered requests. */
  percentile(p: number): number {
    if (this.latencies.length === 0) return 0
    const sorted = [...this.latencies].sort((a, b) => a - b)
    return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0)
  }

  /** The first few failures, for a readable report. */
  sample(n = 10): string[] {
    return this.failures.slice(0, n).map((f) => `+${f.at} ms ${f.op}: ${f.outcome} ${f.detail.slice(0, 200)}`)
  }
}

/** Runs `workers` loops of `step` until `keepGoing` says no or the recorder's budget is spent. */
export async function runWorkers(workers: number, recorder: LoadRecorder, keepGoing: () => boolean, step: (worker: number) => Promise<void>): Promise<void> {
  await Promise.all(
    Array.from({ length: workers }, async (_, worker) => {
      while (keepGoing() && !recorder.exhausted()) await step(worker)
    }),
  )
}

/** Picks a name by weight; `roll` is in [0, 1). */
export function weighted<T extends string>(weights: Record<T, number>, roll: number): T {
  const entries = Object.entries(weights) as Array<[T, number]>
  const total = entries.reduce((sum, [, w]) => sum + w, 0)
  let at = roll * total
  for (const [name, w] of entries) {
    at -= w
    if (at < 0) return name
  }
  return (entries[entries.length - 1] as [T, number])[0]
}
