// Signing in with a passkey alone: POST /auth/passkeys/login/options (a challenge for any passkey of this site on the
// device: the browser's passkey autofill or its account picker), then POST /auth/passkeys/login, answered like POST /auth/login.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { TokenResponse } from '@portcullis/shared/api/auth'
import { PasskeyLoginRequest, PasskeyRequestOptions } from '@portcullis/shared/api/passkeys'
import { AccountDisabled, ValidationFailed } from '@portcullis/shared/errors'
import { problemResponses } from '@portcullis/shared/problems/responses'
import { requestOrigin } from '@portcullis/shared/request-origin'
import { EmailNotVerified, PasskeyInvalid, PasskeyNotVerified } from '../errors.ts'
import { assertionOptions } from '../passkeys/assertion.ts'
import { signInWithPasskey } from '../passkeys/sign-in.ts'
import { tokenResponse } from '../sessions/token-response.ts'

export async function passkeyLoginRoutes(app: FastifyInstance): Promise<void> {
  const routes = app.withTypeProvider<TypeBoxTypeProvider>()
  routes.post(
    '/auth/passkeys/login/options',
    {
      schema: {
        tags: ['auth'],
        summary: 'Options to sign in with a passkey (navigator.credentials.get, discoverable: no username needed)',
        response: { 200: PasskeyRequestOptions },
      },
    },
    async (_request, reply) => {
      reply.header('cache-control', 'no-store')
      return assertionOptions(app, 'sign_in', null)
    },
  )
  routes.post(
    '/auth/passkeys/login',
    {
      schema: {
        tags: ['auth'],
        summary: 'Sign in with a passkey alone',
        body: PasskeyLoginRequest,
        response: {
          200: TokenResponse,
          ...problemResponses(PasskeyInvalid, PasskeyNotVerified, AccountDisabled, EmailNotVerified, ValidationFailed),
        },
      },
    },
    async (request, reply) => {
      const mode = request.body.session ?? 'token'
      const signedIn = await signInWithPasskey(app, request.body.credential, mode, requestOrigin(request))
      return tokenResponse(app, reply, signedIn.user, signedIn.session, mode)
    },
  )
}
