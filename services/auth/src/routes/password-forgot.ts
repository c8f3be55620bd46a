// POST /auth/password/forgot: a reset link by mail for a username or an email, answered 202 {} the same way, no sooner
// than FORGOT_ANSWER_FLOOR_MS, whether or not it names an account.
import { setTimeout as sleep } from 'node:timers/promises'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { AcceptedResponse, ForgotPasswordRequest } from '@portcullis/shared/api/auth'
import { ValidationFailed } from '@portcullis/shared/errors'
import { problemResponses } from '@portcullis/shared/problems/responses'
import { requestOrigin } from '@portcullis/shared/request-origin'
import { TooManyAttempts } from '../errors.ts'
import { FORGOT_ANSWER_FLOOR_MS, forgotPassword } from '../recovery/forgot-password.ts'

export async function passwordForgotRoute(app: FastifyInstance): Promise<void> {
  app.withTypeProvider<TypeBoxTypeProvider>().post(
    '/auth/password/forgot',
    {
      schema: {
        tags: ['auth'],
        summary: 'Mail a password-reset link',
        description: 'The same answer, after the same time, whether or not the username or email names an account.',
        body: ForgotPasswordRequest,
        response: { 202: AcceptedResponse, ...problemResponses(ValidationFailed, TooManyAttempts) },
      },
    },
    async (request, reply) => {
      const started = performance.now()
      try {
        if (await forgotPassword(app, request.body.login, requestOrigin(request))) app.mailSender.nudge()
      } finally {
        const left = FORGOT_ANSWER_FLOOR_MS - (performance.now() - started)
        if (left > 0) await sleep(left)
      }
      return reply.code(202).send({})
    },
  )
}
