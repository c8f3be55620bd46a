// POST /auth/signup: a new account with the user role.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { SignupRequest, SignupResponse } from '@portcullis/shared/api/auth'
import { EmailTaken, UsernameTaken, ValidationFailed } from '@portcullis/shared/errors'
import { problemResponses } from '@portcullis/shared/problems/responses'
import { requestOrigin } from '@portcullis/shared/request-origin'
import { toPublicUser } from '@portcullis/shared/users/public-user'
import { signUp } from '../users/sign-up.ts'

export async function signupRoute(app: FastifyInstance): Promise<void> {
  app.withTypeProvider<TypeBoxTypeProvider>().post(
    '/auth/signup',
    {
      schema: {
        tags: ['auth'],
        summary: 'Create an account',
        body: SignupRequest,
        response: { 201: SignupResponse, ...problemResponses(UsernameTaken, EmailTaken, ValidationFailed) },
      },
    },
    async (request, reply) => {
      const user = await signUp(app, request.body, requestOrigin(request))
      return reply.code(201).send({ user: toPublicUser(user) })
    },
  )
}
