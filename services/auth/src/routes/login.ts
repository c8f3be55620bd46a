// POST /auth/login: username or email and password, answered with an access token and a new session.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { LoginRequest, TokenResponse } from '@portcullis/shared/api/auth'
import { ProblemSchema } from '@portcullis/shared/api/common'
import { recordAuditEvent } from '@portcullis/shared/audit/record'
import { requestOrigin } from '@portcullis/shared/request-origin'
import { authenticatePassword } from '../passwords/authenticate.ts'
import { createSession } from '../sessions/create.ts'
import { recordLogin } from '../users/queries.ts'
import { tokenResponse } from './token-response.ts'

export async function loginRoute(app: FastifyInstance): Promise<void> {
  app.withTypeProvider<TypeBoxTypeProvider>().post(
    '/auth/login',
    {
      schema: {
        tags: ['auth'],
        summary: 'Sign in',
        body: LoginRequest,
        response: { 200: TokenResponse, 401: ProblemSchema, 403: ProblemSchema, 422: ProblemSchema, 429: ProblemSchema },
      },
    },
    async (request, reply) => {
      const { username, password, session: mode = 'token' } = request.body
      const origin = requestOrigin(request)
      const user = await authenticatePassword(app, username, password, origin)
      const now = app.now()
      const session = await createSession(app.db, user.id, mode, origin, app.sessionPolicy, now)
      await recordLogin(app.db, user.id, now)
      user.last_login_at = now
      await recordAuditEvent(
        app.db,
        {
          type: 'login_succeeded',
          userId: user.id,
          actorId: user.id,
          ip: origin.ip,
          userAgent: origin.userAgent,
          detail: { session_id: session.sessionId, mode },
        },
        now,
      )
      return tokenResponse(app, reply, user, session, mode)
    },
  )
}
