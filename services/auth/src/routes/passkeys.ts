// The signed-in user's passkeys: GET /auth/passkeys, POST /auth/passkeys/register/options and /register, PATCH and DELETE
// /auth/passkeys/:id, and POST /auth/passkeys/reauthenticate/options (a passkey to confirm it is you, see
// POST /auth/reauthenticate). Adding and removing one needs a recent sign-in (STEP_UP_MAX_AGE).
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { IdParams } from '@portcullis/shared/api/auth'
import {
  PasskeyCreationOptions,
  PasskeyListResponse,
  PasskeyRegisterRequest,
  PasskeyRegisterResponse,
  PasskeyRenameRequest,
  PasskeyRequestOptions,
  PasskeySchema,
} from '@portcullis/shared/api/passkeys'
import { InvalidToken, NotFound, ReauthenticationRequired, TokenExpired, Unauthenticated, ValidationFailed } from '@portcullis/shared/errors'
import { problemResponses } from '@portcullis/shared/problems/responses'
import { requestOrigin } from '@portcullis/shared/request-origin'
import { PasskeyInvalid, PasskeyRegistered } from '../errors.ts'
import { assertionOptions } from '../passkeys/assertion.ts'
import { removeOwnPasskey, renameOwnPasskey } from '../passkeys/manage.ts'
import { registerPasskey, registrationOptions } from '../passkeys/registration.ts'
import { listPasskeys, toPublicPasskey } from '../passkeys/store.ts'
import { signedInPrincipal } from '../plugins/app/tokens.ts'
import { signedInUser } from '../users/signed-in-user.ts'

const SIGNED_IN = [Unauthenticated, InvalidToken, TokenExpired] as const

export async function passkeyRoutes(app: FastifyInstance): Promise<void> {
  const routes = app.withTypeProvider<TypeBoxTypeProvider>()
  const base = { tags: ['auth'], security: [{ bearer: [] }] }

  routes.get(
    '/auth/passkeys',
    { preHandler: app.requireUser, schema: { ...base, summary: 'Your passkeys', response: { 200: PasskeyListResponse, ...problemResponses(...SIGNED_IN) } } },
    async (request) => ({ passkeys: (await listPasskeys(app.db, signedInPrincipal(request).userId)).map(toPublicPasskey) }),
  )
  routes.post(
    '/auth/passkeys/register/options',
    {
      preHandler: app.requireRecentUser,
      schema: {
        ...base,
        summary: 'Options to create a passkey in the browser (navigator.credentials.create)',
        response: { 200: PasskeyCreationOptions, ...problemResponses(...SIGNED_IN, ReauthenticationRequired) },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store')
      return registrationOptions(app, await signedInUser(app, request))
    },
  )
  routes.post(
    '/auth/passkeys/register',
    {
      preHandler: app.requireUser,
      schema: {
        ...base,
        summary: "Register the browser's new passkey; the account's first second factor answers its recovery codes, once",
        body: PasskeyRegisterRequest,
        response: { 201: PasskeyRegisterResponse, ...problemResponses(...SIGNED_IN, PasskeyInvalid, PasskeyRegistered, ValidationFailed) },
      },
    },
    async (request, reply) => {
      const user = await signedInUser(app, request)
      const registered = await registerPasskey(app, user, request.body.credential, request.body.name, requestOrigin(request))
      reply.header('cache-control', 'no-store').code(201)
      const answer: PasskeyRegisterResponse = { passkey: toPublicPasskey(registered.passkey) }
      if (registered.recoveryCodes) answer.recovery_codes = registered.recoveryCodes
      return answer
    },
  )
  routes.patch(
    '/auth/passkeys/:id',
    {
      preHandler: app.requireUser,
      schema: {
        ...base,
        summary: 'Rename a passkey',
        params: IdParams,
        body: PasskeyRenameRequest,
        response: { 200: PasskeySchema, ...problemResponses(...SIGNED_IN, NotFound, ValidationFailed) },
      },
    },
    async (request) => {
      const user = await signedInUser(app, request)
      return toPublicPasskey(await renameOwnPasskey(app, user, request.params.id, request.body.name, requestOrigin(request)))
    },
  )
  routes.delete(
    '/auth/passkeys/:id',
    {
      preHandler: app.requireRecentUser,
      schema: {
        ...base,
        summary: 'Remove a passkey; with no second factor left, the recovery codes go too',
        params: IdParams,
        response: { 204: { type: 'null' }, ...problemResponses(...SIGNED_IN, ReauthenticationRequired, NotFound, ValidationFailed) },
      },
    },
    async (request, reply) => {
      await removeOwnPasskey(app, await signedInUser(app, request), request.params.id, requestOrigin(request))
      return reply.code(204).send(null)
    },
  )
  routes.post(
    '/auth/passkeys/reauthenticate/options',
    {
      preHandler: app.requireUser,
      schema: {
        ...base,
        summary: 'Options to confirm it is you with one of your passkeys (then POST /auth/reauthenticate {passkey})',
        response: { 200: PasskeyRequestOptions, ...problemResponses(...SIGNED_IN) },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store')
      return assertionOptions(app, 'reauthenticate', signedInPrincipal(request).userId)
    },
  )
}
