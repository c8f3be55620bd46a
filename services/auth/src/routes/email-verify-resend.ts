// POST /auth/email/verify/resend: the verification link again, for the signed-in user (Bearer) or, for an account that
// may not sign in before it is verified, for the username or email given; 202 {} either way.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { AcceptedResponse, ResendVerificationRequest } from '@portcullis/shared/api/auth'
import type { User } from '@portcullis/shared/db/schema'
import { fieldProblem, InvalidToken, TokenExpired, ValidationFailed, validationFailed } from '@portcullis/shared/errors'
import { problemResponses } from '@portcullis/shared/problems/responses'
import { requestOrigin } from '@portcullis/shared/request-origin'
import { TooManyAttempts } from '../errors.ts'
import { signedInPrincipal } from '../plugins/app/tokens.ts'
import { findUserById, findUserByLogin } from '../users/queries.ts'
import { resendVerification } from '../verification/resend-verification.ts'

export async function emailVerifyResendRoute(app: FastifyInstance): Promise<void> {
  async function whoseLink(request: FastifyRequest, reply: FastifyReply, login: string | undefined): Promise<User | undefined> {
    if (request.headers.authorization !== undefined) {
      await app.requireUser.call(app, request, reply)
      return findUserById(app.db, signedInPrincipal(request).userId)
    }
    if (login === undefined) throw validationFailed([fieldProblem('login', 'is required when you are not signed in', 'required', 'Username or email')])
    return findUserByLogin(app.db, login)
  }

  app.withTypeProvider<TypeBoxTypeProvider>().post(
    '/auth/email/verify/resend',
    {
      schema: {
        tags: ['auth'],
        summary: 'Mail the verification link again',
        security: [{ bearer: [] }, {}],
        body: ResendVerificationRequest,
        response: { 202: AcceptedResponse, ...problemResponses(InvalidToken, TokenExpired, ValidationFailed, TooManyAttempts) },
      },
    },
    async (request, reply) => {
      const user = await whoseLink(request, reply, request.body?.login)
      if (await resendVerification(app, user, requestOrigin(request))) app.mailSender.nudge()
      return reply.code(202).send({})
    },
  )
}
