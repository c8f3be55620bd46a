// Answers for a stubbed fetch: JSON and problem+json Responses, and a stub that routes "METHOD /path" to handlers.
import { vi } from 'vitest'

export type FieldError = { field: string; message: string; code?: string }

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } })
}

export function noContent(): Response {
  return new Response(null, { status: 204 })
}

/** A problem+json answer; `headers` for what goes beside it, such as Retry-After. */
export function problem(status: number, code: string, detail: string, errors?: FieldError[], headers: Record<string, string> = {}): Response {
  const body = { type: `https://portcullis.dev/problems/${code}`, title: 'Error', status, detail, code, request_id: 'req-1', ...(errors ? { errors } : {}) }
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/problem+json', ...headers } })
}

export type Route = (init: RequestInit | undefined) => Response | Promise<Response>

function urlOf(input: string | URL | Request): string {
  return typeof input === 'string' ? input : input instanceof URL ? input.href : input.url
}

/**
 * Stubs the global fetch; an unexpected request fails the test. `calls` lists "METHOD /path" in order; `callsTo` gives
 * the arguments of each call to one of them.
 */
export function stubFetch(routes: Record<string, Route>) {
  const calls: string[] = []
  const fetchMock = vi.fn(async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const key = `${init?.method ?? 'GET'} ${urlOf(input)}`
    calls.push(key)
    const route = routes[key]
    if (!route) throw new Error(`unexpected request ${key}`)
    return route(init)
  })
  vi.stubGlobal('fetch', fetchMock)
  const callsTo = (method: string, url: string) => fetchMock.mock.calls.filter(([input, init]) => urlOf(input) === url && (init?.method ?? 'GET') === method)
  return { fetchMock, calls, callsTo }
}

/** The JSON body a stubbed request was sent with. */
export function sentBody(init: RequestInit | undefined): unknown {
  return typeof init?.body === 'string' ? JSON.parse(init.body) : undefined
}
