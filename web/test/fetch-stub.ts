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
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
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

/** The error text tied to a form control through aria-describedby (Field's error paragraph). */
export function errorOf(control: HTMLElement): string | undefined {
  const ids = control.getAttribute('aria-describedby')?.split(' ') ?? []
  return ids.map((id) => document.getElementById(id)).find((element) => element?.classList.contains('field-error'))?.textContent ?? undefined
}
