// Refreshes the access token shortly before it expires, so that requests do not meet a 401 first: one timer per tab, set
// again whenever the token changes (a sign-in, a refresh, a token another tab shared) and none while signed out.
import { refreshSession } from './session-actions.ts'
import { sessionStore } from './session-store.ts'

/** A token is refreshed at the latest this long before it expires... */
const MARGIN_MS = 30_000
/** ...or once this share of its life has passed, whichever comes first. */
const SHARE_OF_LIFE = 0.8
/** A server that hands out very short tokens does not make the tab refresh in a loop. */
const MIN_DELAY_MS = 5_000
/** setTimeout's longest delay: a longer one would fire at once. */
const MAX_DELAY_MS = 2 ** 31 - 1

/** How long to wait before refreshing a token that has `lifeMs` left. */
export function refreshDelay(lifeMs: number): number {
  const due = Math.min(lifeMs * SHARE_OF_LIFE, lifeMs - MARGIN_MS)
  return Math.min(MAX_DELAY_MS, Math.max(MIN_DELAY_MS, due))
}

let timer: ReturnType<typeof setTimeout> | undefined
/** The expiry of the token the timer was set for: the same token seen again keeps its timer. */
let scheduledFor: number | undefined

function clear(): void {
  if (timer !== undefined) clearTimeout(timer)
  timer = undefined
  scheduledFor = undefined
}

function refreshNow(): void {
  timer = undefined
  // A failed refresh leaves it to the API client's retry after a 401; a new token sets the next timer.
  void refreshSession()
}

function schedule(): void {
  const state = sessionStore.get()
  if (state.status === 'signed-in' && state.expiresAt === scheduledFor) return
  clear()
  if (state.status !== 'signed-in') return
  scheduledFor = state.expiresAt
  timer = setTimeout(refreshNow, refreshDelay(state.expiresAt - Date.now()))
}

/** Keeps this tab's token fresh from now on; returns the function that stops it. */
export function refreshBeforeExpiry(): () => void {
  schedule()
  const unsubscribe = sessionStore.subscribe(schedule)
  return () => {
    unsubscribe()
    clear()
  }
}
