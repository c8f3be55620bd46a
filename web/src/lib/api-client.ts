// Every API call of the SPA: the access token from memory, one retry after a refresh on 401 (the fallback for a token the
// timer did not refresh in time), problems as ProblemError; an account disabled while signed in signs the tab out, to a
// login page that says so.
import { endDisabledSession, refreshSession } from './session/session-actions.ts'
import { sessionStore } from './session/session-store.ts'
import { problemFrom } from './problem.ts'

export interface ApiRequest {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE'
  body?: unknown
  signal?: AbortSignal
}

export async function apiFetch<T>(path: string, request: ApiRequest = {}, retried = false): Promise<T> {
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
  if (response.status === 401 && !retried && (await refreshSession())) return apiFetch<T>(path, request, true)
  if (!response.ok) {
    const problem = await problemFrom(response)
    if (problem.status === 403 && problem.code === 'account_disabled' && token) endDisabledSession()
    throw problem
  }
  if (response.status === 204) return undefined as T
  return (await response.json()) as T
}
