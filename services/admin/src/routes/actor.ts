// The admin behind a request, as the audit log records them.
import type { FastifyRequest } from 'fastify'
import { Unauthenticated } from '@portcullis/shared/errors'
import type { Actor } from '../audit/record.ts'

export function requestActor(request: FastifyRequest): Actor {
  if (!request.principal) throw new Unauthenticated()
  const agent = request.headers['user-agent']
  return { userId: request.principal.userId, ip: request.ip, userAgent: typeof agent === 'string' ? agent : null }
}
