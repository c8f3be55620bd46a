// What the gateway tells a service about a request: its id and the real client address, and nothing a client made up about who it is.
import type { FastifyRequest } from 'fastify'

/** Headers a client could use to claim an identity that only a verified token may give. */
const IDENTITY_HEADER = /^(x-(portcullis|user|auth|principal|remote-user|forwarded-user|real-ip|client-ip)(-|$)|remote-user$|x-forwarded-)/

const X = 'x'.charCodeAt(0)
const R = 'r'.charCodeAt(0)

export function forwardedHeaders(
  request: FastifyRequest,
  headers: Record<string, string | string[] | undefined>,
): Record<string, string | string[] | undefined> {
  const out: Record<string, string | string[] | undefined> = {}
  for (const name in headers) {
    // Names come lower-cased; only one starting with x or r can be an identity header (every request carries a dozen others).
    const first = name.charCodeAt(0)
    if ((first === X || first === R) && IDENTITY_HEADER.test(name)) continue
    out[name] = headers[name]
  }
  out['x-request-id'] = String(request.id)
  out['x-forwarded-for'] = request.ip
  out['x-forwarded-proto'] = request.protocol
  if (request.host) out['x-forwarded-host'] = request.host
  return out
}
