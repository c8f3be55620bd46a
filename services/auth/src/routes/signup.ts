// POST /auth/signup: a new account with the user role.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { SignupRequest, SignupResponse } from '@portcullis/shared/api/auth'
import { ProblemSchema } from '@portcullis/shared/api/common'
import { type FieldError, fieldProblem, validationFailed } from '@portcullis/shared/errors'
import { recordAuditEvent } from '@portcullis/shared/audit/record'
import { requestOrigin } from '@portcullis/shared/request-origin'
import { adminUsernames } from '@portcullis/shared/users/admin-usernames'
import { lookalikeMessage, lookalikeProblem } from '@portcullis/shared/users/lookalike-names'
import { toPublicUser } from '@portcullis/shared/users/public-user'
import { newPasswordProblems, passwordPolicy } from '../passwords/policy.ts'
import { insertUser } from '../users/queries.ts'

export async function signupRoute(app: FastifyInstance): Promise<void> {
  app.withTypeProvider<TypeBoxTypeProvider>().post(
    '/auth/signup',
    {
      schema: {
        tags: ['auth'],
        summary: 'Create an account',
        body: SignupRequest,
        response: { 201: SignupResponse, 409: ProblemSchema, 422: ProblemSchema },
      },
    },
    async (request, reply) => {
      const { username, password, confirm_password, email } = request.body
      const problems: FieldError[] = []
      const lookalike = lookalikeProblem(username, await adminUsernames(app.db), { asPart: true })
      if (lookalike) problems.push(fieldProblem('username', lookalikeMessage(lookalike), lookalike.kind === 'reserved' ? 'reserved' : 'lookalike'))
      problems.push(...newPasswordProblems('password', password, passwordPolicy(app.authConfig), { username, email }))
      if (confirm_password !== undefined && confirm_password !== password) {
        problems.push(fieldProblem('confirm_password', 'does not match the password', 'mismatch', 'The confirmation'))
      }
      if (problems.length > 0) throw validationFailed(problems)

      const now = app.now()
      const passwordHash = await app.passwords.hash(password)
      const user = await insertUser(app.db, { username, email: email ?? null, passwordHash, role: 'user' }, now)
      const origin = requestOrigin(request)
      await recordAuditEvent(app.db, { type: 'signup', userId: user.id, actorId: user.id, ip: origin.ip, userAgent: origin.userAgent }, now)
      return reply.code(201).send({ user: toPublicUser(user) })
    },
  )
}
