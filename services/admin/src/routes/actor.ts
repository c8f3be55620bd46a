// The admin behind a request, as the audit log records them.
import type { FastifyRequest } from 'fastify'
import { Unauthenticated } from '@portcullis/shared/errors'
import { requestOrigin } from '@portcullis/shared/request-origin'
import type { Actor } from '../users/actor.ts'

export function requestActor(request: FastifyRequest): Actor {
  if (!request.principal) throw new Unauthenticated()
  return { userId: request.principal.userId, ...requestOrigin(request) }
}
