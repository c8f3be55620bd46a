// The signed-in user's second factor: GET /auth/mfa, POST /auth/mfa/totp/setup, POST /auth/mfa/totp/confirm,
// DELETE /auth/mfa/totp, POST /auth/mfa/recovery-codes. Setting an app up and new recovery codes need a recent sign-in
// (step-up); confirming takes a code of the app just set up, and turning it off a code or the password.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { MfaStatusResponse, RecoveryCodesResponse, TotpConfirmRequest, TotpRemoveRequest, TotpSetupResponse } from '@portcullis/shared/api/mfa'
import { RECENT_AUTH_NOTE } from '@portcullis/shared/api/reauth'
import { InvalidToken, ReauthenticationRequired, TokenExpired, Unauthenticated, ValidationFailed } from '@portcullis/shared/errors'
import { problemResponses } from '@portcullis/shared/problems/responses'
import { requestOrigin } from '@portcullis/shared/request-origin'
import { InvalidCode, TooManyAttempts, TotpEnrolled, TotpNotEnrolled, TotpNotSetUp } from '../errors.ts'
import { secondFactorStatus } from '@portcullis/shared/mfa/status'
import { confirmTotp, regenerateRecoveryCodes, removeTotp, setUpTotp } from '../mfa/manage-totp.ts'
import { signedInPrincipal } from '../plugins/app/tokens.ts'
import { signedInUser } from '../users/signed-in-user.ts'

const SIGNED_IN = [Unauthenticated, InvalidToken, TokenExpired] as const

export async function mfaRoutes(app: FastifyInstance): Promise<void> {
  const routes = app.withTypeProvider<TypeBoxTypeProvider>()
  const base = { tags: ['auth'], security: [{ bearer: [] }] }

  routes.get(
    '/auth/mfa',
    {
      preHandler: app.requireUser,
      schema: { ...base, summary: 'Your second factors', response: { 200: MfaStatusResponse, ...problemResponses(...SIGNED_IN) } },
    },
    async (request) => secondFactorStatus(app.db, signedInPrincipal(request).userId),
  )
  routes.post(
    '/auth/mfa/totp/setup',
    {
      preHandler: app.requireRecentUser,
      schema: {
        ...base,
        summary: 'Set up an authenticator app',
        description: RECENT_AUTH_NOTE,
        response: { 200: TotpSetupResponse, ...problemResponses(...SIGNED_IN, ReauthenticationRequired, TotpEnrolled) },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store')
      return setUpTotp(app, await signedInUser(app, request))
    },
  )
  routes.post(
    '/auth/mfa/totp/confirm',
    {
      preHandler: app.requireUser,
      schema: {
        ...base,
        summary: 'Turn the authenticator app on with its first code; answers the recovery codes, once',
        body: TotpConfirmRequest,
        response: { 200: RecoveryCodesResponse, ...problemResponses(...SIGNED_IN, InvalidCode, TotpNotSetUp, TotpEnrolled, ValidationFailed) },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store')
      return { recovery_codes: await confirmTotp(app, await signedInUser(app, request), request.body.code, requestOrigin(request)) }
    },
  )
  routes.delete(
    '/auth/mfa/totp',
    {
      preHandler: app.requireUser,
      schema: {
        ...base,
        summary: 'Turn the authenticator app off, with a code from it or the password',
        body: TotpRemoveRequest,
        response: { 204: { type: 'null' }, ...problemResponses(...SIGNED_IN, InvalidCode, TotpNotEnrolled, ValidationFailed, TooManyAttempts) },
      },
    },
    async (request, reply) => {
      await removeTotp(app, await signedInUser(app, request), request.body, requestOrigin(request))
      return reply.code(204).send(null)
    },
  )
  routes.post(
    '/auth/mfa/recovery-codes',
    {
      preHandler: app.requireRecentUser,
      schema: {
        ...base,
        summary: 'A new set of recovery codes; the old set stops working',
        description: RECENT_AUTH_NOTE,
        response: { 200: RecoveryCodesResponse, ...problemResponses(...SIGNED_IN, ReauthenticationRequired, TotpNotEnrolled) },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store')
      return { recovery_codes: await regenerateRecoveryCodes(app, await signedInUser(app, request), requestOrigin(request)) }
    },
  )
}
