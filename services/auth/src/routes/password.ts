// POST /auth/password: changes the signed-in user's password and ends their other sessions.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { PasswordChangeRequest } from '@portcullis/shared/api/auth'
import { InvalidToken, TokenExpired, Unauthenticated, ValidationFailed } from '@portcullis/shared/errors'
import { problemResponses } from '@portcullis/shared/problems/responses'
import { requestOrigin } from '@portcullis/shared/request-origin'
import { TooManyAttempts } from '../errors.ts'
import { changePassword } from '../passwords/change-password.ts'
import { signedInPrincipal } from '../plugins/app/tokens.ts'
import { findUserById } from '../users/queries.ts'

export async function passwordRoute(app: FastifyInstance): Promise<void> {
  app.withTypeProvider<TypeBoxTypeProvider>().post(
    '/auth/password',
    {
      preHandler: app.requireUser,
      schema: {
        tags: ['auth'],
        summary: 'Change the password',
        security: [{ bearer: [] }],
        body: PasswordChangeRequest,
        response: { 204: { type: 'null' }, ...problemResponses(Unauthenticated, InvalidToken, TokenExpired, ValidationFailed, TooManyAttempts) },
      },
    },
    async (request, reply) => {
      const principal = signedInPrincipal(request)
      const user = await findUserById(app.db, principal.userId)
      if (!user) throw new Error('the principal has no user row')
      const { current_password, new_password } = request.body
      await changePassword(app, user, { current: current_password, next: new_password, sessionId: principal.sessionId }, requestOrigin(request))
      return reply.code(204).send(null)
    },
  )
}
