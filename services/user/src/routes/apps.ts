// GET /user/apps and DELETE /user/apps/:client_id: the apps the signed-in user signed in to with Portcullis, and removing
// one's access (its consent and its sign-ins).
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { NotFound, ValidationFailed } from '@portcullis/shared/errors'
import { problemResponses } from '@portcullis/shared/problems/responses'
import { UserAppParams, UserAppsResponse } from '@portcullis/shared/api/oidc'
import { userApps } from '@portcullis/shared/oidc/user-apps'
import { requestOrigin } from '@portcullis/shared/request-origin'
import { ACCOUNT_REFUSALS, signedIn } from '../plugins/app/account.ts'
import { toUserAppBody } from '../apps/view.ts'
import { withdrawOwnConsent } from '../apps/withdraw.ts'

export async function appsRoutes(app: FastifyInstance): Promise<void> {
  const routes = app.withTypeProvider<TypeBoxTypeProvider>()
  const preHandler = [app.requireRole('user'), app.requireAccount]

  routes.get(
    '/user/apps',
    {
      preHandler,
      schema: {
        tags: ['user'],
        summary: 'The apps you signed in to with Portcullis, the last used first',
        security: [{ bearer: [] }],
        response: { 200: UserAppsResponse, ...problemResponses(...ACCOUNT_REFUSALS) },
      },
    },
    async (request) => {
      const { user } = signedIn(request)
      const apps = await userApps(app.db, user.id)
      return { apps: apps.map(toUserAppBody) }
    },
  )

  routes.delete(
    '/user/apps/:client_id',
    {
      preHandler,
      schema: {
        tags: ['user'],
        summary: "Remove an app's access: your consent to it and every sign-in to it end",
        security: [{ bearer: [] }],
        params: UserAppParams,
        response: { 204: { type: 'null' }, ...problemResponses(...ACCOUNT_REFUSALS, NotFound, ValidationFailed) },
      },
    },
    async (request, reply) => {
      const { user } = signedIn(request)
      await withdrawOwnConsent(app.db, { userId: user.id, clientId: request.params.client_id, origin: requestOrigin(request), now: app.now() })
      return reply.code(204).send(null)
    },
  )
}
