// GET /user/sessions and DELETE /user/sessions/:id: the signed-in user's live sessions, and ending one of them.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { NotFound, ValidationFailed } from '@portcullis/shared/errors'
import { problemResponses } from '@portcullis/shared/problems/responses'
import { SessionParams, SessionsResponse } from '@portcullis/shared/api/user'
import { requestOrigin } from '@portcullis/shared/request-origin'
import { ACCOUNT_REFUSALS, signedIn } from '../plugins/app/account.ts'
import { listLiveSessions } from '../sessions/queries.ts'
import { revokeOwnSession } from '../sessions/revoke.ts'
import { toAccountSession } from '../sessions/view.ts'

export async function sessionsRoutes(app: FastifyInstance): Promise<void> {
  const routes = app.withTypeProvider<TypeBoxTypeProvider>()
  const preHandler = [app.requireRole('user'), app.requireAccount]

  routes.get(
    '/user/sessions',
    {
      preHandler,
      schema: {
        tags: ['user'],
        summary: 'Your live sessions, newest first',
        security: [{ bearer: [] }],
        response: { 200: SessionsResponse, ...problemResponses(...ACCOUNT_REFUSALS) },
      },
    },
    async (request) => {
      const { user, principal } = signedIn(request)
      const sessions = await listLiveSessions(app.db, user.id, app.now(), app.sessionLifetime)
      return { sessions: sessions.map((session) => toAccountSession(session, principal.sessionId)) }
    },
  )

  routes.delete(
    '/user/sessions/:id',
    {
      preHandler,
      schema: {
        tags: ['user'],
        summary: 'End one of your sessions',
        security: [{ bearer: [] }],
        params: SessionParams,
        response: { 204: { type: 'null' }, ...problemResponses(...ACCOUNT_REFUSALS, NotFound, ValidationFailed) },
      },
    },
    async (request, reply) => {
      const { user } = signedIn(request)
      await revokeOwnSession(app.db, {
        userId: user.id,
        sessionId: request.params.id,
        origin: requestOrigin(request),
        now: app.now(),
        lifetime: app.sessionLifetime,
        accessTokenTtl: app.userConfig.accessTokenTtl,
      })
      return reply.code(204).send(null)
    },
  )
}
