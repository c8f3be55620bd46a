// POST /admin/users/invite: make an account for someone and mail them a link to choose its password.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { InviteUserRequest } from '@portcullis/shared/api/admin'
import { UserSchema } from '@portcullis/shared/api/common'
import { EmailTaken, UsernameTaken, ValidationFailed } from '@portcullis/shared/errors'
import { problemResponses } from '@portcullis/shared/problems/responses'
import { toPublicUser } from '@portcullis/shared/users/public-user'
import { ADMIN_REFUSALS, ADMIN_ROUTE, adminOnly } from '../plugins/app/admin-access.ts'
import { requestActor } from '../users/actor.ts'
import { inviteUser } from '../users/invite-user.ts'

export async function inviteUserRoute(app: FastifyInstance): Promise<void> {
  app.withTypeProvider<TypeBoxTypeProvider>().post(
    '/admin/users/invite',
    {
      preHandler: adminOnly(app),
      schema: {
        ...ADMIN_ROUTE,
        summary: 'Invite someone: an account, and a mailed link to choose its password',
        body: InviteUserRequest,
        response: { 201: UserSchema, ...problemResponses(...ADMIN_REFUSALS, UsernameTaken, EmailTaken, ValidationFailed) },
      },
    },
    async (request, reply) => {
      const user = await inviteUser(app.db, app.adminConfig, request.body, requestActor(request), app.now())
      return reply.code(201).send(toPublicUser(user))
    },
  )
}
