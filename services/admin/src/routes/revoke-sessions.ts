// POST /admin/users/:id/revoke-sessions: sign a user out everywhere.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { UserIdParams } from '@portcullis/shared/api/admin'
import { revokeUserSessions } from '../users/revoke-sessions.ts'
import { requestActor } from '../users/actor.ts'
import { ADMIN_REFUSALS, ADMIN_ROUTE, adminOnly } from '../plugins/app/admin-access.ts'
import { NotFound, ValidationFailed } from '@portcullis/shared/errors'
import { problemResponses } from '@portcullis/shared/problems/responses'

export async function revokeSessionsRoute(app: FastifyInstance): Promise<void> {
  app.withTypeProvider<TypeBoxTypeProvider>().post(
    '/admin/users/:id/revoke-sessions',
    {
      preHandler: adminOnly(app),
      schema: {
        ...ADMIN_ROUTE,
        summary: 'End every session of a user and void their access tokens',
        params: UserIdParams,
        response: { 204: { type: 'null', description: 'revoked' }, ...problemResponses(...ADMIN_REFUSALS, NotFound, ValidationFailed) },
      },
    },
    async (request, reply) => {
      await revokeUserSessions(app.db, request.params.id, requestActor(request), app.now(), app.adminConfig.accessTokenTtl)
      return reply.code(204).send(null)
    },
  )
}
