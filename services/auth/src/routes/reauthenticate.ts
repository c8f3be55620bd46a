// POST /auth/reauthenticate: the signed-in user proves themselves again (step-up) and gets a new access token of the same
// session with a fresh auth_time, in the access cookie too for a cookie session; the refresh token or cookie stays as it is.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { ReauthenticateRequest, ReauthenticateResponse } from '@portcullis/shared/api/reauth'
import { InvalidToken, TokenExpired, Unauthenticated, ValidationFailed } from '@portcullis/shared/errors'
import { problemResponses } from '@portcullis/shared/problems/responses'
import { requestOrigin } from '@portcullis/shared/request-origin'
import { toPublicUser } from '@portcullis/shared/users/public-user'
import { InvalidCode, InvalidCredentials, PasskeyInvalid, PasskeyNotVerified, TooManyAttempts } from '../errors.ts'
import { signedInPrincipal } from '../plugins/app/tokens.ts'
import { reauthenticate } from '../sessions/reauthenticate.ts'
import { setAccessCookie } from '../sessions/session-cookies.ts'

export async function reauthenticateRoute(app: FastifyInstance): Promise<void> {
  app.withTypeProvider<TypeBoxTypeProvider>().post(
    '/auth/reauthenticate',
    {
      preHandler: app.requireUser,
      schema: {
        tags: ['auth'],
        summary: 'Confirm it is you: the password (and a code when you have a second factor), or a passkey, for a fresh access token',
        description:
          'For the changes that need a recent sign-in (401 reauthentication_required): a new access token of this session whose auth_time is now. A code from the authenticator app or a recovery code is needed as well when the account has a second factor; or one passkey alone (options from POST /auth/passkeys/reauthenticate/options).',
        security: [{ bearer: [] }],
        body: ReauthenticateRequest,
        response: {
          200: ReauthenticateResponse,
          ...problemResponses(
            Unauthenticated,
            InvalidToken,
            TokenExpired,
            InvalidCredentials,
            InvalidCode,
            PasskeyInvalid,
            PasskeyNotVerified,
            ValidationFailed,
            TooManyAttempts,
          ),
        },
      },
    },
    async (request, reply) => {
      const principal = signedInPrincipal(request)
      const { password, code, recovery_code, passkey } = request.body
      const done = await reauthenticate(app, principal, { password, code, recoveryCode: recovery_code, passkey }, requestOrigin(request))
      if (done.mailed) app.mailSender.nudge()
      reply.header('cache-control', 'no-store')
      const accessToken = app.issueAccessToken(done.user, principal.sessionId, done.proof)
      if (done.mode === 'cookie') setAccessCookie(reply, accessToken, app.authConfig)
      return {
        access_token: accessToken,
        token_type: 'Bearer' as const,
        expires_in: app.authConfig.accessTokenTtl,
        user: toPublicUser(done.user),
      }
    },
  )
}
