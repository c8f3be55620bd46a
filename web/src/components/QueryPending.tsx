// What a section shows while its data is not there: "Loading…", or what went wrong with a "Try again" that asks again.
import { describeError } from '../lib/problem.ts'
import { FormError } from './FormError.tsx'

export function QueryPending({ error, onRetry }: { error: unknown; onRetry: () => void }) {
  if (!error) {
    return (
      <p className="loading" role="status">
        Loading…
      </p>
    )
  }
  return (
    <>
      <FormError message={describeError(error)} />
      <button type="button" onClick={onRetry}>
        Try again
      </button>
    </>
  )
}
