// A client for driving the stack: every request bounded by a timeout, every answer read whole, network failures named.
export interface Answer {
  status: number
  headers: Headers
  text: string
  // biome-ignore lint/suspicious/noExplicitAny: answers are read field by field
  body: any
  ms: number
}

export interface RequestOptions {
  token?: string
  /** Sent as JSON unless `raw` is given. */
  body?: unknown
  /** A body sent as is, with the headers given. */
  raw?: string
  headers?: Record<string, string>
  timeoutMs?: number
}

/** A request that got no HTTP answer: refused, reset, timed out. */
export class NoAnswer extends Error {
  override name = 'NoAnswer'
  readonly code: string
  readonly ms: number
  constructor(code: string, ms: number, message: string) {
    super(`${code}: ${message}`)
    this.code = code
    this.ms = ms
  }
}

export const CLIENT_TIMEOUT_MS = 15_000

function failureCode(error: unknown): string {
  const outer = error as { name?: string; code?: string; cause?: { code?: string; name?: string } }
  if (outer.name === 'TimeoutError' || outer.cause?.name === 'TimeoutError') return 'timeout'
  return outer.cause?.code ?? outer.code ?? outer.name ?? 'unknown'
}

export async function send(base: string, method: string, path: string, options: RequestOptions = {}): Promise<Answer> {
  const headers: Record<string, string> = {}
  if (options.token) headers.authorization = `Bearer ${options.token}`
  let body: string | undefined
  if (options.raw !== undefined) body = options.raw
  else if (options.body !== undefined) {
    headers['content-type'] = 'application/json'
    body = JSON.stringify(options.body)
  }
  Object.assign(headers, options.headers)
  const started = performance.now()
  let res: Response
  let text: string
  try {
    res = await fetch(`${base}${path}`, { method, headers, body, signal: AbortSignal.timeout(options.timeoutMs ?? CLIENT_TIMEOUT_MS) })
    text = await res.text()
  } catch (error) {
    const ms = performance.now() - started
    throw new NoAnswer(failureCode(error), ms, error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error))
  }
  let parsed: unknown = text
  try {
    parsed = text ? JSON.parse(text) : null
  } catch {
    // not JSON
  }
  return { status: res.status, headers: res.headers, text, body: parsed, ms: performance.now() - started }
}

export function client(base: string) {
  return (method: string, path: string, options?: RequestOptions) => send(base, method, path, options)
}

export type Client = ReturnType<typeof client>

/** Counts of outcomes by name ("200", "503", "ECONNREFUSED"), printed as one object. */
export class Tally {
  readonly counts = new Map<string, number>()
  add(outcome: string | number, by = 1): void {
    const key = String(outcome)
    this.counts.set(key, (this.counts.get(key) ?? 0) + by)
  }
  get(outcome: string | number): number {
    return this.counts.get(String(outcome)) ?? 0
  }
  total(): number {
    let sum = 0
    for (const value of this.counts.values()) sum += value
    return sum
  }
  toJSON(): Record<string, number> {
    return Object.fromEntries([...this.counts.entries()].sort(([a], [b]) => a.localeCompare(b)))
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))
