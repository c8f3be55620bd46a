// What other services ask of auth: end a user's sessions, void a user's access tokens, end one session.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { IdParams, RevokedCountResponse } from '@portcullis/shared/api/auth'
import { ProblemSchema } from '@portcullis/shared/api/common'
import { NotFound } from '@portcullis/shared/errors'
import { recordAuditEvent } from '@portcullis/shared/audit/record'
import { revokeSession, revokeUserAccessTokens, revokeUserSessions } from '@portcullis/shared/sessions/revoke'
import { findUserById } from '../../users/queries.ts'

export async function internalRevokeRoutes(app: FastifyInstance): Promise<void> {
  const routes = app.withTypeProvider<TypeBoxTypeProvider>()
  const errors = { 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema }

  routes.post(
    '/internal/users/:id/revoke-sessions',
    {
      preHandler: app.requireService('sessions:revoke'),
      schema: { tags: ['internal'], summary: "End all of a user's sessions", params: IdParams, response: { 200: RevokedCountResponse, ...errors } },
    },
    async (request) => {
      const user = await findUserById(app.db, request.params.id)
      if (!user) throw new NotFound()
      const now = app.now()
      const revoked = await revokeUserSessions(app.db, user.id, 'admin', now, app.authConfig.accessTokenTtl)
      await revokeUserAccessTokens(app.db, user.id, now, app.authConfig.accessTokenTtl)
      await recordAuditEvent(
        app.db,
        { type: 'sessions_revoked', userId: user.id, actorId: request.service?.clientId ?? null, detail: { sessions: revoked } },
        now,
      )
      return { revoked }
    },
  )

  routes.post(
    '/internal/users/:id/revoke-tokens',
    {
      preHandler: app.requireService('sessions:revoke'),
      schema: {
        tags: ['internal'],
        summary: "Void a user's current access tokens (role change, disable)",
        params: IdParams,
        response: { 204: { type: 'null' }, ...errors },
      },
    },
    async (request, reply) => {
      const user = await findUserById(app.db, request.params.id)
      if (!user) throw new NotFound()
      const now = app.now()
      await revokeUserAccessTokens(app.db, user.id, now, app.authConfig.accessTokenTtl)
      await recordAuditEvent(app.db, { type: 'access_tokens_revoked', userId: user.id, actorId: request.service?.clientId ?? null }, now)
      return reply.code(204).send(null)
    },
  )

  routes.post(
    '/internal/sessions/:id/revoke',
    {
      preHandler: app.requireService('sessions:revoke'),
      schema: { tags: ['internal'], summary: 'End one session', params: IdParams, response: { 204: { type: 'null' }, ...errors } },
    },
    async (request, reply) => {
      const session = await app.db.selectFrom('sessions').select(['id', 'user_id']).where('id', '=', request.params.id).executeTakeFirst()
      if (!session) throw new NotFound()
      const now = app.now()
      if (await revokeSession(app.db, session.id, 'user', now, app.authConfig.accessTokenTtl)) {
        await recordAuditEvent(
          app.db,
          { type: 'session_revoked', userId: session.user_id, actorId: request.service?.clientId ?? null, detail: { session_id: session.id } },
          now,
        )
      }
      return reply.code(204).send(null)
    },
  )
}
