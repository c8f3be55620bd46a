// Previous / Next for a cursor-paged list. aria-disabled rather than disabled, so a button that runs out keeps keyboard focus.
export interface PagerProps {
  label: string
  summary: string | undefined
  hasPrevious: boolean
  hasNext: boolean
  busy: boolean
  onPrevious: () => void
  onNext: () => void
}

export function Pager({ label, summary, hasPrevious, hasNext, busy, onPrevious, onNext }: PagerProps) {
  const previousOff = !hasPrevious || busy
  const nextOff = !hasNext || busy
  return (
    <nav className="pager" aria-label={label}>
      <button type="button" aria-disabled={previousOff} onClick={() => previousOff || onPrevious()}>
        Previous
      </button>
      <button type="button" aria-disabled={nextOff} onClick={() => nextOff || onNext()}>
        Next
      </button>
      <p className="pager-summary" aria-live="polite">
        {summary}
      </p>
    </nav>
  )
}
