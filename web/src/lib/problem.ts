// The server's RFC 9457 problem+json answers as an Error the UI can show next to the field or form it concerns.
import type { ProblemBody } from '@portcullis/shared/api/common'

export class ProblemError extends Error {
  override name = 'ProblemError'
  readonly status: number
  readonly code: string
  readonly fieldErrors: Array<{ field: string; message: string; code?: string }>
  readonly retryAfter: number | undefined

  constructor(status: number, body: Partial<ProblemBody>, retryAfter?: number) {
    super(body.detail ?? body.title ?? `Request failed (${status})`)
    this.status = status
    this.code = body.code ?? 'unknown'
    this.fieldErrors = body.errors ?? []
    this.retryAfter = retryAfter
  }

  /** Every sentence the server said about one field, in its order, e.g. "Password is too common; choose one that is harder to guess." */
  forField(field: string): string | undefined {
    const messages = this.fieldErrors.filter((error) => error.field === field).map((error) => error.message)
    return messages.length > 0 ? messages.join(' ') : undefined
  }
}

export async function problemFrom(response: Response): Promise<ProblemError> {
  let body: Partial<ProblemBody> = {}
  try {
    body = (await response.json()) as Partial<ProblemBody>
  } catch {
    // not JSON: keep the status alone
  }
  const retryAfter = Number(response.headers.get('retry-after')) || undefined
  return new ProblemError(response.status, body, retryAfter)
}

/** An error that happened in this browser and was written for people: its message is shown as it is (a passkey prompt closed). */
export class BrowserError extends Error {
  override name = 'BrowserError'
}

/** A sentence for a form-level error: the detail, or a readable fallback for network failures. */
export function describeError(error: unknown): string {
  if (error instanceof BrowserError) return error.message
  if (error instanceof ProblemError) {
    if (error.code === 'too_many_attempts' || error.code === 'rate_limited') {
      return `${error.message}${error.retryAfter ? ` (try again in ${error.retryAfter} s)` : ''}`
    }
    return error.message
  }
  return 'The server cannot be reached. Check your connection and try again.'
}
