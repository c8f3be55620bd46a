// Where a request came from, as sessions and audit events record it.
import type { FastifyRequest } from 'fastify'

export interface RequestOrigin {
  ip: string
  userAgent: string | null
}

export function requestOrigin(request: FastifyRequest): RequestOrigin {
  const agent = request.headers['user-agent']
  return { ip: request.ip, userAgent: typeof agent === 'string' ? agent : null }
}
