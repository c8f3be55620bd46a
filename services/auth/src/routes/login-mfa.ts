// POST /auth/login/mfa: the second step of a sign-in, answered like POST /auth/login.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { TokenResponse } from '@portcullis/shared/api/auth'
import { MfaLoginRequest } from '@portcullis/shared/api/mfa'
import { ValidationFailed } from '@portcullis/shared/errors'
import { problemResponses } from '@portcullis/shared/problems/responses'
import { requestOrigin } from '@portcullis/shared/request-origin'
import { InvalidCode, MfaTokenInvalid, PasskeyInvalid, TooManyAttempts } from '../errors.ts'
import { completeSecondFactor } from '../mfa/second-step.ts'
import { tokenResponse } from '../sessions/token-response.ts'

export async function loginMfaRoute(app: FastifyInstance): Promise<void> {
  app.withTypeProvider<TypeBoxTypeProvider>().post(
    '/auth/login/mfa',
    {
      schema: {
        tags: ['auth'],
        summary: 'Sign in, second step: a code from the authenticator app, a recovery code, or a passkey',
        body: MfaLoginRequest,
        response: { 200: TokenResponse, ...problemResponses(InvalidCode, PasskeyInvalid, MfaTokenInvalid, ValidationFailed, TooManyAttempts) },
      },
    },
    async (request, reply) => {
      const { mfa_token, code, recovery_code, passkey } = request.body
      const done = await completeSecondFactor(app, mfa_token, { code, recoveryCode: recovery_code, passkey }, requestOrigin(request))
      if (done.mailed) app.mailSender.nudge()
      return tokenResponse(app, reply, done.user, done.session, done.mode)
    },
  )
}
