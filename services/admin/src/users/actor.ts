// The admin who acts on a user, and where their request came from, as the audit log records them.
import type { FastifyRequest } from 'fastify'
import { Unauthenticated } from '@portcullis/shared/errors'
import { type RequestOrigin, requestOrigin } from '@portcullis/shared/request-origin'

export interface Actor extends RequestOrigin {
  userId: string
}

/** The signed-in admin of a request that passed adminOnly. */
export function requestActor(request: FastifyRequest): Actor {
  if (!request.principal) throw new Unauthenticated()
  return { userId: request.principal.userId, ...requestOrigin(request) }
}
