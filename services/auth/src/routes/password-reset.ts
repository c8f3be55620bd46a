// POST /auth/password/reset: a new password from a reset or invitation link; every session of the account ends.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { ResetPasswordRequest } from '@portcullis/shared/api/auth'
import { InvalidLink, ValidationFailed } from '@portcullis/shared/errors'
import { problemResponses } from '@portcullis/shared/problems/responses'
import { requestOrigin } from '@portcullis/shared/request-origin'
import { resetPassword } from '../recovery/reset-password.ts'

export async function passwordResetRoute(app: FastifyInstance): Promise<void> {
  app.withTypeProvider<TypeBoxTypeProvider>().post(
    '/auth/password/reset',
    {
      schema: {
        tags: ['auth'],
        summary: 'Set a new password from a link',
        body: ResetPasswordRequest,
        response: { 204: { type: 'null' }, ...problemResponses(InvalidLink, ValidationFailed) },
      },
    },
    async (request, reply) => {
      await resetPassword(app, request.body.token, request.body.new_password, requestOrigin(request))
      app.mailSender.nudge()
      return reply.code(204).send(null)
    },
  )
}
