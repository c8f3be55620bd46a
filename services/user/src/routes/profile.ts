// GET and PATCH /user/profile: the signed-in user's own profile, and changing its display name or email (the email only
// with the current password and a recent sign-in).
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { EmailTaken, ReauthenticationRequired, ValidationFailed } from '@portcullis/shared/errors'
import { problemResponses } from '@portcullis/shared/problems/responses'
import { ProfileResponse, ProfileUpdateRequest } from '@portcullis/shared/api/user'
import { requestOrigin } from '@portcullis/shared/request-origin'
import { toPublicUser } from '@portcullis/shared/users/public-user'
import { ACCOUNT_REFUSALS, signedIn } from '../plugins/app/account.ts'
import { updateProfile } from '../profile/update.ts'

export async function profileRoutes(app: FastifyInstance): Promise<void> {
  const routes = app.withTypeProvider<TypeBoxTypeProvider>()
  const preHandler = [app.requireRole('user'), app.requireAccount]

  routes.get(
    '/user/profile',
    {
      preHandler,
      schema: {
        tags: ['user'],
        summary: 'Your profile',
        security: [{ bearer: [] }],
        response: { 200: ProfileResponse, ...problemResponses(...ACCOUNT_REFUSALS) },
      },
    },
    async (request) => toPublicUser(signedIn(request).user),
  )

  routes.patch(
    '/user/profile',
    {
      preHandler,
      schema: {
        tags: ['user'],
        summary: 'Change your display name or email',
        description:
          'Changing or clearing the email needs current_password, and a sign-in or POST /auth/reauthenticate within STEP_UP_MAX_AGE seconds (else 401 reauthentication_required); a new address waits in pending_email until its link is opened.',
        security: [{ bearer: [] }],
        body: ProfileUpdateRequest,
        response: { 200: ProfileResponse, ...problemResponses(...ACCOUNT_REFUSALS, ReauthenticationRequired, EmailTaken, ValidationFailed) },
      },
    },
    async (request) => {
      const { user, principal } = signedIn(request)
      const update = {
        db: app.db,
        links: app.userConfig,
        now: app.now(),
        origin: requestOrigin(request),
        stepUp: { authTime: principal.authTime, maxAgeSeconds: app.userConfig.stepUpMaxAge },
      }
      const updated = await updateProfile(update, user, request.body)
      return toPublicUser(updated)
    },
  )
}
