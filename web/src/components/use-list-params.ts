// A paged list's state in the address: filters and the page cursor in the search params (reload, links and Back keep them),
// the cursors of the pages before it in the history entry's state (so Previous can walk back).
import { useEffect, useRef } from 'react'
import { useLocation, useSearchParams } from 'react-router'

const CURSOR = /^[A-Za-z0-9_-]{1,512}$/

function earlierCursors(state: unknown): string[] {
  if (typeof state !== 'object' || state === null || !('previous' in state) || !Array.isArray(state.previous)) return []
  return state.previous.filter((cursor): cursor is string => typeof cursor === 'string')
}

export interface ListParams<Name extends string> {
  filters: Record<Name, string>
  /** The cursor of this page; undefined on the first page (or when the address holds something that is not a cursor). */
  cursor: string | undefined
  /** How many pages come before this one; undefined when the page was opened from a link in the middle of the list. */
  pagesBefore: number | undefined
  /** Changes filters and goes back to the first page. */
  setFilters: (patch: Partial<Record<Name, string>>, options?: { replace?: boolean }) => void
  nextPage: (cursor: string) => void
  previousPage: () => void
  firstPage: () => void
}

export function useListParams<Name extends string>(names: readonly Name[]): ListParams<Name> {
  const [searchParams, setSearchParams] = useSearchParams()
  const location = useLocation()
  const filtersOf = (params: URLSearchParams) => Object.fromEntries(names.map((name) => [name, params.get(name) ?? ''])) as Record<Name, string>
  const filters = filtersOf(searchParams)
  // Two filters may change in one tick (two debounced fields): the second builds on the first, not on what was rendered.
  const latest = useRef(searchParams)
  useEffect(() => {
    latest.current = searchParams
  }, [searchParams])
  const raw = searchParams.get('cursor') ?? ''
  const cursor = CURSOR.test(raw) ? raw : undefined
  // '' stands for the first page, which has no cursor.
  const previous = cursor ? earlierCursors(location.state) : []

  function go(nextFilters: Record<Name, string>, nextCursor: string, earlier: string[], replace = false): void {
    const params = new URLSearchParams()
    for (const name of names) if (nextFilters[name]) params.set(name, nextFilters[name])
    if (nextCursor) params.set('cursor', nextCursor)
    latest.current = params
    setSearchParams(params, { replace, state: earlier.length ? { previous: earlier } : null })
  }

  return {
    filters,
    cursor,
    pagesBefore: cursor ? previous.length || undefined : 0,
    setFilters: (patch, options) => go({ ...filtersOf(latest.current), ...patch }, '', [], options?.replace),
    nextPage: (next) => go(filters, next, [...previous, cursor ?? '']),
    previousPage: () => go(filters, previous.at(-1) ?? '', previous.slice(0, -1)),
    firstPage: () => go(filtersOf(latest.current), '', []),
  }
}
