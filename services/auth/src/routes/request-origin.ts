// Where a request came from, as sessions and audit events record it.
import type { FastifyRequest } from 'fastify'
import type { Origin } from '../passwords/authenticate.ts'

export function requestOrigin(request: FastifyRequest): Origin {
  const agent = request.headers['user-agent']
  return { ip: request.ip, userAgent: typeof agent === 'string' ? agent : null }
}
