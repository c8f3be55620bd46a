// POST /auth/logout: ends the session named by a refresh token or by an access token, and clears the cookie.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { RefreshRequest } from '@portcullis/shared/api/auth'
import { ProblemSchema } from '@portcullis/shared/api/common'
import { Unauthenticated } from '@portcullis/shared/errors'
import { recordAuditEvent } from '@portcullis/shared/audit/record'
import { requestOrigin } from '@portcullis/shared/request-origin'
import { hashRefreshToken, looksLikeRefreshToken } from '../sessions/refresh-token.ts'
import { revokeSession } from '@portcullis/shared/sessions/revoke'
import { acceptEmptyBody, bearerAccessToken, clearRefreshCookie, presentedRefreshToken } from './refresh-cookie.ts'

export async function logoutRoute(app: FastifyInstance): Promise<void> {
  app.withTypeProvider<TypeBoxTypeProvider>().post(
    '/auth/logout',
    {
      preValidation: acceptEmptyBody,
      schema: {
        tags: ['auth'],
        summary: 'Sign out of this session',
        body: RefreshRequest,
        response: { 204: { type: 'null' }, 401: ProblemSchema, 403: ProblemSchema },
      },
    },
    async (request, reply) => {
      const presented = presentedRefreshToken(request, request.body)
      let sessionId: string | undefined
      let userId: string | undefined
      if (!presented) {
        if (!bearerAccessToken(request)) throw new Unauthenticated()
        await app.requireUser.call(app, request, reply)
        sessionId = request.principal?.sessionId
        userId = request.principal?.userId
      } else if (looksLikeRefreshToken(presented.token)) {
        const row = await app.db
          .selectFrom('refresh_tokens as t')
          .innerJoin('sessions as s', 's.id', 't.session_id')
          .select(['s.id', 's.user_id'])
          .where('t.token_hash', '=', hashRefreshToken(presented.token))
          .executeTakeFirst()
        sessionId = row?.id
        userId = row?.user_id
      }
      const now = app.now()
      if (sessionId && (await revokeSession(app.db, sessionId, 'logout', now, app.authConfig.accessTokenTtl))) {
        const origin = requestOrigin(request)
        await recordAuditEvent(
          app.db,
          { type: 'logout', userId, actorId: userId, ip: origin.ip, userAgent: origin.userAgent, detail: { session_id: sessionId } },
          now,
        )
      }
      clearRefreshCookie(reply, app.authConfig.cookieSecure)
      return reply.code(204).send(null)
    },
  )
}
