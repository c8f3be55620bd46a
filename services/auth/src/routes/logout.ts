// POST /auth/logout: ends the session named by a refresh token or by an access token, and clears the session's cookies.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { RefreshRequest } from '@portcullis/shared/api/auth'
import { InvalidToken, TokenExpired, Unauthenticated } from '@portcullis/shared/errors'
import { problemResponses } from '@portcullis/shared/problems/responses'
import { requestOrigin } from '@portcullis/shared/request-origin'
import { CsrfRejected } from '../errors.ts'
import { acceptEmptyBody, bearerAccessToken, presentedRefreshToken } from '../sessions/refresh-cookie.ts'
import { clearSessionCookies } from '../sessions/session-cookies.ts'
import { type SessionOf, sessionOfRefreshToken, signOut } from '../sessions/sign-out.ts'

export async function logoutRoute(app: FastifyInstance): Promise<void> {
  app.withTypeProvider<TypeBoxTypeProvider>().post(
    '/auth/logout',
    {
      preValidation: acceptEmptyBody,
      schema: {
        tags: ['auth'],
        summary: 'Sign out of this session',
        body: RefreshRequest,
        response: { 204: { type: 'null' }, ...problemResponses(Unauthenticated, InvalidToken, TokenExpired, CsrfRejected) },
      },
    },
    async (request, reply) => {
      const presented = presentedRefreshToken(request, request.body)
      let session: SessionOf | undefined
      if (presented) {
        session = await sessionOfRefreshToken(app.db, presented.token)
      } else {
        if (!bearerAccessToken(request)) throw new Unauthenticated()
        await app.requireUser.call(app, request, reply)
        if (request.principal) session = { sessionId: request.principal.sessionId, userId: request.principal.userId }
      }
      if (session) await signOut(app, session, requestOrigin(request))
      clearSessionCookies(reply, app.authConfig)
      return reply.code(204).send(null)
    },
  )
}
