// POST /auth/email/verify: a verification link opened; the address it proves becomes the account's verified email.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { VerifyEmailRequest } from '@portcullis/shared/api/auth'
import { EmailTaken, InvalidLink, ValidationFailed } from '@portcullis/shared/errors'
import { problemResponses } from '@portcullis/shared/problems/responses'
import { requestOrigin } from '@portcullis/shared/request-origin'
import { verifyEmail } from '../verification/verify-email.ts'

export async function emailVerifyRoute(app: FastifyInstance): Promise<void> {
  app.withTypeProvider<TypeBoxTypeProvider>().post(
    '/auth/email/verify',
    {
      schema: {
        tags: ['auth'],
        summary: 'Prove an email address with its link',
        body: VerifyEmailRequest,
        response: { 204: { type: 'null' }, ...problemResponses(InvalidLink, EmailTaken, ValidationFailed) },
      },
    },
    async (request, reply) => {
      await verifyEmail(app, request.body.token, requestOrigin(request))
      return reply.code(204).send(null)
    },
  )
}
