// Every API call of the SPA: the access token from memory, one retry after a refresh on a 401 about the token (the
// fallback for a token the timer did not refresh in time), one retry after the user confirms it is them on a 401
// reauthentication_required (lib/reauth.ts), problems as ProblemError; an account disabled while signed in signs the tab
// out, to a login page that says so.
import { confirmItIsYou } from './reauth.ts'
import { endDisabledSession, refreshSession } from './session/session-actions.ts'
import { sessionStore } from './session/session-store.ts'
import { type ProblemError, problemFrom } from './problem.ts'

export interface ApiRequest {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE'
  body?: unknown
  signal?: AbortSignal
}

/** What a request has already been retried after; each happens at most once. */
interface Retries {
  refreshed?: boolean
  reauthenticated?: boolean
}

/**
 * The 401s that a new access token may cure. Any other 401 is the answer itself: a wrong password or code (sent again it
 * would count twice against the back-off), or a sign-in too old for the change (a refresh keeps its age).
 */
const TOKEN_REFUSALS = new Set(['unauthenticated', 'invalid_token', 'token_expired', 'session_revoked', 'unknown'])

function curedByRefresh(problem: ProblemError): boolean {
  return TOKEN_REFUSALS.has(problem.code)
}

export async function apiFetch<T>(path: string, request: ApiRequest = {}, retries: Retries = {}): Promise<T> {
  const token = sessionStore.accessToken()
  const headers: Record<string, string> = { accept: 'application/json' }
  if (token) headers.authorization = `Bearer ${token}`
  if (request.body !== undefined) headers['content-type'] = 'application/json'
  const response = await fetch(path, {
    method: request.method ?? 'GET',
    headers,
    credentials: 'same-origin',
    body: request.body === undefined ? undefined : JSON.stringify(request.body),
    signal: request.signal,
  })
  if (!response.ok) {
    const problem = await problemFrom(response)
    if (problem.status === 401 && problem.code === 'reauthentication_required' && token && !retries.reauthenticated) {
      await confirmItIsYou(problem)
      return apiFetch<T>(path, request, { ...retries, reauthenticated: true })
    }
    if (problem.status === 401 && curedByRefresh(problem) && !retries.refreshed && (await refreshSession())) {
      return apiFetch<T>(path, request, { ...retries, refreshed: true })
    }
    if (problem.status === 403 && problem.code === 'account_disabled' && token) endDisabledSession()
    throw problem
  }
  if (response.status === 204) return undefined as T
  return (await response.json()) as T
}
