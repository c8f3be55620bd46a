// Answers for a stubbed fetch: JSON and problem+json Responses, and a stub that routes "METHOD /path" to handlers.
import { vi } from 'vitest'

export function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })
}

export function noContent(): Response {
  return new Response(null, { status: 204 })
}

export function problem(status: number, code: string, detail: string, errors?: Array<{ field: string; message: string; code?: string }>): Response {
  const body = { type: `https://portcullis.dev/problems/${code}`, title: 'Error', status, detail, code, request_id: 'req-1', ...(errors ? { errors } : {}) }
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/problem+json' } })
}

export type Route = (init: RequestInit | undefined) => Response | Promise<Response>

/** Stubs the global fetch; an unexpected request fails the test. `calls` lists "METHOD /path" in order. */
export function stubFetch(routes: Record<string, Route>) {
  const calls: string[] = []
  const fetchMock = vi.fn(async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url
    const key = `${init?.method ?? 'GET'} ${url}`
    calls.push(key)
    const route = routes[key]
    if (!route) throw new Error(`unexpected request ${key}`)
    return route(init)
  })
  vi.stubGlobal('fetch', fetchMock)
  return { fetchMock, calls }
}

/** The JSON body a stubbed request was sent with. */
export function sentBody(init: RequestInit | undefined): unknown {
  return typeof init?.body === 'string' ? JSON.parse(init.body) : undefined
}
