// The one path every gateway policy is decided on: the request's path decoded exactly as Fastify's router decodes it (with
// the router's own function), so that `/%75ser/profile` is judged as the `/user/profile` the router and the services will
// route. Paths that a router or proxy downstream could read another way are refused before any policy runs.
import FindMyWay from 'find-my-way'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { BadRequest } from '@portcullis/shared/errors'

const decoded = new WeakMap<FastifyRequest, string>()

/** `request.url` without its query, percent-decoded as the router decodes it; `#` ends the path as it does for the router. */
export function routedPath(request: FastifyRequest): string {
  let path = decoded.get(request)
  if (path === undefined) {
    path = FindMyWay.sanitizeUrlPath(request.url, false)
    decoded.set(request, path)
  }
  return path
}

/** %41–%5A, %61–%7A, %30–%39, %2D, %2E, %5F, %7E: RFC 3986's unreserved characters, which no client needs to encode. */
const ENCODED_UNRESERVED = /%(?:3[0-9]|4[1-9A-F]|5[0-9A]|6[1-9A-F]|7[0-9A]|2D|2E|5F|7E)/i

/** A `.` or `..` segment anywhere in the decoded path. */
const DOT_SEGMENT = /(^|\/)\.{1,2}(\/|$)/

function refused(detail: string): Error {
  const error = new BadRequest()
  error.message = detail
  return error
}

/** Why the path is refused, or undefined when every hop after us reads it as the router does. */
function ambiguity(request: FastifyRequest): string | undefined {
  const url = request.url
  const end = url.search(/[?#]/)
  const raw = end === -1 ? url : url.slice(0, end)
  if (raw.includes('%') && ENCODED_UNRESERVED.test(raw)) {
    return 'The URL percent-encodes letters, digits or "-._~", which are sent as they are; send the path unencoded'
  }
  let path: string
  try {
    path = routedPath(request)
  } catch {
    return 'The URL is not valid'
  }
  if ((path.includes('.') && DOT_SEGMENT.test(path)) || path.includes('\\') || raw.includes('\\')) {
    return 'The URL holds "." or ".." segments or a backslash, which are not routed'
  }
  return undefined
}

/**
 * onRequest, before every other hook: refuses a path that encodes an unreserved character (`/%75ser`), holds a dot segment
 * (`/auth/../user`, `/auth/%2e%2e/user`) or a backslash, so that what was checked is what every hop after us sees. A callback
 * hook, with the regular expressions only where a `%` or a `.` is there to find: it runs on every request.
 */
export function refuseAmbiguousPaths(request: FastifyRequest, _reply: FastifyReply, done: (error?: Error) => void): void {
  const detail = ambiguity(request)
  done(detail === undefined ? undefined : refused(detail))
}
