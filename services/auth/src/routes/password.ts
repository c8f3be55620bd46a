// POST /auth/password: changes the signed-in user's password and ends their other sessions; needs a recent sign-in (step-up).
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { PasswordChangeRequest } from '@portcullis/shared/api/auth'
import { RECENT_AUTH_NOTE } from '@portcullis/shared/api/reauth'
import { InvalidToken, ReauthenticationRequired, TokenExpired, Unauthenticated, ValidationFailed } from '@portcullis/shared/errors'
import { problemResponses } from '@portcullis/shared/problems/responses'
import { requestOrigin } from '@portcullis/shared/request-origin'
import { TooManyAttempts } from '../errors.ts'
import { changePassword } from '../passwords/change-password.ts'
import { signedInPrincipal } from '../plugins/app/tokens.ts'
import { signedInUser } from '../users/signed-in-user.ts'

export async function passwordRoute(app: FastifyInstance): Promise<void> {
  app.withTypeProvider<TypeBoxTypeProvider>().post(
    '/auth/password',
    {
      preHandler: app.requireRecentUser,
      schema: {
        tags: ['auth'],
        summary: 'Change the password',
        description: RECENT_AUTH_NOTE,
        security: [{ bearer: [] }],
        body: PasswordChangeRequest,
        response: {
          204: { type: 'null' },
          ...problemResponses(Unauthenticated, InvalidToken, TokenExpired, ReauthenticationRequired, ValidationFailed, TooManyAttempts),
        },
      },
    },
    async (request, reply) => {
      const principal = signedInPrincipal(request)
      const user = await signedInUser(app, request)
      const { current_password, new_password } = request.body
      await changePassword(app, user, { current: current_password, next: new_password, sessionId: principal.sessionId }, requestOrigin(request))
      return reply.code(204).send(null)
    },
  )
}
