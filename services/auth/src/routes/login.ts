// POST /auth/login: username or email and password, answered with an access token and a new session, or, for an account
// with a second factor, with a ticket for its second step (POST /auth/login/mfa).
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { LoginRequest, TokenResponse } from '@portcullis/shared/api/auth'
import { MfaRequiredResponse } from '@portcullis/shared/api/mfa'
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
        response: {
          200: Type.Union([TokenResponse, MfaRequiredResponse]),
          ...problemResponses(InvalidCredentials, AccountDisabled, EmailNotVerified, ValidationFailed, TooManyAttempts),
        },
      },
    },
    async (request, reply) => {
      const { username, password, session: mode = 'token' } = request.body
      const outcome = await signIn(app, username, password, mode, requestOrigin(request))
      if (outcome.kind === 'second-factor') {
        reply.header('cache-control', 'no-store')
        const answer: MfaRequiredResponse = { mfa_required: true, mfa_token: outcome.mfaToken, methods: outcome.methods }
        if (outcome.passkeyOptions) answer.passkey_options = outcome.passkeyOptions
        return answer
      }
      return tokenResponse(app, reply, outcome.user, outcome.session, mode)
    },
  )
}
