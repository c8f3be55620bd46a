// POST /auth/login: username or email and password, answered with an access token and a new session.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { LoginRequest, TokenResponse } from '@portcullis/shared/api/auth'
import { AccountDisabled, ValidationFailed } from '@portcullis/shared/errors'
import { problemResponses } from '@portcullis/shared/problems/responses'
import { requestOrigin } from '@portcullis/shared/request-origin'
import { EmailNotVerified, InvalidCredentials, TooManyAttempts } from '../errors.ts'
import { signIn } from '../sessions/sign-in.ts'
import { tokenResponse } from '../sessions/token-response.ts'

export async function loginRoute(app: FastifyInstance): Promise<void> {
  app.withTypeProvider<TypeBoxTypeProvider>().post(
    '/auth/login',
    {
      schema: {
        tags: ['auth'],
        summary: 'Sign in',
        body: LoginRequest,
        response: { 200: TokenResponse, ...problemResponses(InvalidCredentials, AccountDisabled, EmailNotVerified, ValidationFailed, TooManyAttempts) },
      },
    },
    async (request, reply) => {
      const { username, password, session: mode = 'token' } = request.body
      const { user, session } = await signIn(app, username, password, mode, requestOrigin(request))
      return tokenResponse(app, reply, user, session, mode)
    },
  )
}
