// POST /auth/logout-all: ends every session of the signed-in user and voids their access tokens.
import type { FastifyInstance } from 'fastify'
import { ProblemSchema } from '@portcullis/shared/api/common'
import { recordAuditEvent } from '@portcullis/shared/audit/record'
import { requestOrigin } from '@portcullis/shared/request-origin'
import { revokeUserAccessTokens, revokeUserSessions } from '@portcullis/shared/sessions/revoke'
import { clearRefreshCookie } from './refresh-cookie.ts'

export async function logoutAllRoute(app: FastifyInstance): Promise<void> {
  app.post(
    '/auth/logout-all',
    {
      preHandler: app.requireUser,
      schema: { tags: ['auth'], summary: 'Sign out everywhere', security: [{ bearer: [] }], response: { 204: { type: 'null' }, 401: ProblemSchema } },
    },
    async (request, reply) => {
      const principal = request.principal
      if (!principal) throw new Error('requireUser did not set a principal')
      const now = app.now()
      const revoked = await revokeUserSessions(app.db, principal.userId, 'logout_all', now, app.authConfig.accessTokenTtl)
      await revokeUserAccessTokens(app.db, principal.userId, now, app.authConfig.accessTokenTtl)
      const origin = requestOrigin(request)
      await recordAuditEvent(
        app.db,
        { type: 'logout_all', userId: principal.userId, actorId: principal.userId, ip: origin.ip, userAgent: origin.userAgent, detail: { sessions: revoked } },
        now,
      )
      clearRefreshCookie(reply, app.authConfig.cookieSecure)
      return reply.code(204).send(null)
    },
  )
}
