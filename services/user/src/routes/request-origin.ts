// Where a request came from, as audit events record it.
import type { FastifyRequest } from 'fastify'
import type { RequestOrigin } from '../audit/record.ts'

export function requestOrigin(request: FastifyRequest): RequestOrigin {
  const agent = request.headers['user-agent']
  return { ip: request.ip, userAgent: typeof agent === 'string' ? agent : null }
}
