// POST /admin/users/:id/password-reset: mail a user a password-reset link.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { UserIdParams } from '@portcullis/shared/api/admin'
import { AcceptedResponse } from '@portcullis/shared/api/auth'
import { NotFound, ValidationFailed } from '@portcullis/shared/errors'
import { problemResponses } from '@portcullis/shared/problems/responses'
import { NoEmail, UserDisabled } from '../errors.ts'
import { ADMIN_REFUSALS, ADMIN_ROUTE, adminOnly } from '../plugins/app/admin-access.ts'
import { requestActor } from '../users/actor.ts'
import { sendResetLink } from '../users/send-reset-link.ts'

export async function sendResetLinkRoute(app: FastifyInstance): Promise<void> {
  app.withTypeProvider<TypeBoxTypeProvider>().post(
    '/admin/users/:id/password-reset',
    {
      preHandler: adminOnly(app),
      schema: {
        ...ADMIN_ROUTE,
        summary: 'Mail a user a password-reset link',
        params: UserIdParams,
        response: { 202: AcceptedResponse, ...problemResponses(...ADMIN_REFUSALS, NotFound, NoEmail, UserDisabled, ValidationFailed) },
      },
    },
    async (request, reply) => {
      await sendResetLink(app.db, app.adminConfig, request.params.id, requestActor(request), app.now())
      return reply.code(202).send({})
    },
  )
}
