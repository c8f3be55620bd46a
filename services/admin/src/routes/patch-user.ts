// PATCH /admin/users/:id: change a user's role or status; the last active admin cannot be demoted or disabled.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { UserChangeRequest, UserIdParams } from '@portcullis/shared/api/admin'
import { UserSchema } from '@portcullis/shared/api/common'
import { toPublicUser } from '@portcullis/shared/users/public-user'
import { changeUser } from '../users/change-user.ts'
import { requestActor } from '../users/actor.ts'
import { ADMIN_REFUSALS, ADMIN_ROUTE, adminOnly } from '../plugins/app/admin-access.ts'
import { NotFound, ValidationFailed } from '@portcullis/shared/errors'
import { problemResponses } from '@portcullis/shared/problems/responses'
import { LastAdmin } from '../errors.ts'

export async function patchUserRoute(app: FastifyInstance): Promise<void> {
  app.withTypeProvider<TypeBoxTypeProvider>().patch(
    '/admin/users/:id',
    {
      preHandler: adminOnly(app),
      schema: {
        ...ADMIN_ROUTE,
        summary: "Change a user's role or status",
        params: UserIdParams,
        body: UserChangeRequest,
        response: { 200: UserSchema, ...problemResponses(...ADMIN_REFUSALS, NotFound, LastAdmin, ValidationFailed) },
      },
    },
    async (request) => {
      const user = await changeUser(
        { database: app.database, accessTokenTtl: app.adminConfig.accessTokenTtl },
        request.params.id,
        request.body,
        requestActor(request),
        app.now(),
      )
      return toPublicUser(user)
    },
  )
}
