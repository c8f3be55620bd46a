// POST /auth/password: changes the signed-in user's password and ends their other sessions.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { PasswordChangeRequest } from '@portcullis/shared/api/auth'
import { ProblemSchema } from '@portcullis/shared/api/common'
import { fieldProblem, validationFailed } from '@portcullis/shared/errors'
import { recordAuditEvent } from '@portcullis/shared/audit/record'
import { requestOrigin } from '@portcullis/shared/request-origin'
import { newPasswordProblems, passwordPolicy } from '../passwords/policy.ts'
import { revokeUserSessions } from '@portcullis/shared/sessions/revoke'
import { recordLoginFailure, secondsUntilAllowed, throttleKeys } from '../throttle/login-throttle.ts'
import { tooManyAttempts } from '@portcullis/shared/errors'
import { findUserById, setPasswordHash } from '../users/queries.ts'

export async function passwordRoute(app: FastifyInstance): Promise<void> {
  app.withTypeProvider<TypeBoxTypeProvider>().post(
    '/auth/password',
    {
      preHandler: app.requireUser,
      schema: {
        tags: ['auth'],
        summary: 'Change the password',
        security: [{ bearer: [] }],
        body: PasswordChangeRequest,
        response: { 204: { type: 'null' }, 401: ProblemSchema, 422: ProblemSchema, 429: ProblemSchema },
      },
    },
    async (request, reply) => {
      const principal = request.principal
      if (!principal) throw new Error('requireUser did not set a principal')
      const { current_password, new_password } = request.body
      const user = await findUserById(app.db, principal.userId)
      if (!user) throw new Error('the principal has no user row')
      const origin = requestOrigin(request)
      const now = app.now()
      const keys = throttleKeys({ userId: user.id }, origin.ip)
      const wait = await secondsUntilAllowed(app.db, keys, now)
      if (wait > 0) throw tooManyAttempts(wait)
      if (!(await app.passwords.verify(user.password_hash, current_password))) {
        await recordLoginFailure(app.db, keys, app.throttleRules, now)
        throw validationFailed([fieldProblem('current_password', 'is not your current password', 'wrong_password', 'That')])
      }
      const problems = newPasswordProblems('new_password', new_password, passwordPolicy(app.authConfig), { username: user.username, email: user.email })
      if (new_password === current_password) problems.push(fieldProblem('new_password', 'must differ from the current password', 'unchanged'))
      if (problems.length > 0) throw validationFailed(problems)

      await setPasswordHash(app.db, user.id, await app.passwords.hash(new_password), now, true)
      const revoked = await revokeUserSessions(app.db, user.id, 'password_changed', now, app.authConfig.accessTokenTtl, principal.sessionId)
      await recordAuditEvent(
        app.db,
        {
          type: 'password_changed',
          userId: user.id,
          actorId: user.id,
          ip: origin.ip,
          userAgent: origin.userAgent,
          detail: { other_sessions_revoked: revoked },
        },
        now,
      )
      return reply.code(204).send(null)
    },
  )
}
