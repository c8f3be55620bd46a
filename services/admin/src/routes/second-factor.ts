// GET and DELETE /admin/users/:id/second-factor: whether a user has an authenticator app, and removing it (with the
// recovery codes) for a user who lost both.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { UserIdParams } from '@portcullis/shared/api/admin'
import { MfaStatusResponse } from '@portcullis/shared/api/mfa'
import { NotFound, ValidationFailed } from '@portcullis/shared/errors'
import { problemResponses } from '@portcullis/shared/problems/responses'
import { NoSecondFactor } from '../errors.ts'
import { ADMIN_REFUSALS, ADMIN_ROUTE, adminOnly } from '../plugins/app/admin-access.ts'
import { requestActor } from '../users/actor.ts'
import { resetUserFactors, userFactors } from '../users/second-factor.ts'

export async function secondFactorRoutes(app: FastifyInstance): Promise<void> {
  const routes = app.withTypeProvider<TypeBoxTypeProvider>()
  routes.get(
    '/admin/users/:id/second-factor',
    {
      preHandler: adminOnly(app),
      schema: {
        ...ADMIN_ROUTE,
        summary: "A user's two-step verification",
        params: UserIdParams,
        response: { 200: MfaStatusResponse, ...problemResponses(...ADMIN_REFUSALS, NotFound, ValidationFailed) },
      },
    },
    async (request) => userFactors(app.db, request.params.id),
  )
  routes.delete(
    '/admin/users/:id/second-factor',
    {
      preHandler: adminOnly(app),
      schema: {
        ...ADMIN_ROUTE,
        summary: "Turn a user's two-step verification off (the app and the recovery codes); the user is told by mail",
        params: UserIdParams,
        response: { 204: { type: 'null' }, ...problemResponses(...ADMIN_REFUSALS, NotFound, NoSecondFactor, ValidationFailed) },
      },
    },
    async (request, reply) => {
      await resetUserFactors(app.db, app.adminConfig, request.params.id, requestActor(request), app.now())
      return reply.code(204).send(null)
    },
  )
}
