// POST /auth/logout-all: ends every session of the signed-in user and voids their access tokens.
import type { FastifyInstance } from 'fastify'
import { InvalidToken, TokenExpired, Unauthenticated } from '@portcullis/shared/errors'
import { problemResponses } from '@portcullis/shared/problems/responses'
import { requestOrigin } from '@portcullis/shared/request-origin'
import { signedInPrincipal } from '../plugins/app/tokens.ts'
import { clearSessionCookies } from '../sessions/session-cookies.ts'
import { signOutEverywhere } from '../sessions/sign-out.ts'

export async function logoutAllRoute(app: FastifyInstance): Promise<void> {
  app.post(
    '/auth/logout-all',
    {
      preHandler: app.requireUser,
      schema: {
        tags: ['auth'],
        summary: 'Sign out everywhere',
        security: [{ bearer: [] }],
        response: { 204: { type: 'null' }, ...problemResponses(Unauthenticated, InvalidToken, TokenExpired) },
      },
    },
    async (request, reply) => {
      await signOutEverywhere(app, signedInPrincipal(request).userId, requestOrigin(request))
      clearSessionCookies(reply, app.authConfig)
      return reply.code(204).send(null)
    },
  )
}
