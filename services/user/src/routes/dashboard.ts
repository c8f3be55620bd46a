// GET /user/dashboard: the signed-in user's profile, live sessions and recent security events in one answer.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { problemResponses } from '@portcullis/shared/problems/responses'
import { DashboardResponse } from '@portcullis/shared/api/user'
import { toPublicUser } from '@portcullis/shared/users/public-user'
import { recentAccountEvents } from '../audit/recent-events.ts'
import { ACCOUNT_REFUSALS, signedIn } from '../plugins/app/account.ts'
import { listLiveSessions } from '../sessions/queries.ts'
import { toAccountSession } from '../sessions/view.ts'

export async function dashboardRoute(app: FastifyInstance): Promise<void> {
  app.withTypeProvider<TypeBoxTypeProvider>().get(
    '/user/dashboard',
    {
      preHandler: [app.requireRole('user'), app.requireAccount],
      schema: {
        tags: ['user'],
        summary: 'Your profile, live sessions and recent security events',
        security: [{ bearer: [] }],
        response: { 200: DashboardResponse, ...problemResponses(...ACCOUNT_REFUSALS) },
      },
    },
    async (request) => {
      const { user, principal } = signedIn(request)
      const [sessions, events] = await Promise.all([listLiveSessions(app.db, user.id, app.now(), app.sessionLifetime), recentAccountEvents(app.db, user.id)])
      return {
        profile: toPublicUser(user),
        sessions: sessions.map((session) => toAccountSession(session, principal.sessionId)),
        recent_events: events,
      }
    },
  )
}
