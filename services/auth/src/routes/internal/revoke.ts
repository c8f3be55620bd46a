// What other services may ask of auth: end a user's sessions, void a user's access tokens, end one session.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { IdParams, RevokedCountResponse } from '@portcullis/shared/api/auth'
import { Forbidden, InvalidToken, NotFound, TokenExpired, Unauthenticated } from '@portcullis/shared/errors'
import { problemResponses } from '@portcullis/shared/problems/responses'
import { revokeSessionFor, revokeUserSessionsFor, revokeUserTokensFor } from '../../sessions/revoke-for-service.ts'

export async function internalRevokeRoutes(app: FastifyInstance): Promise<void> {
  const routes = app.withTypeProvider<TypeBoxTypeProvider>()
  const errors = problemResponses(Unauthenticated, InvalidToken, TokenExpired, Forbidden, NotFound)
  const preHandler = app.requireService('sessions:revoke')

  routes.post(
    '/internal/users/:id/revoke-sessions',
    {
      preHandler,
      schema: { tags: ['internal'], summary: "End all of a user's sessions", params: IdParams, response: { 200: RevokedCountResponse, ...errors } },
    },
    async (request) => ({ revoked: await revokeUserSessionsFor(app, request.params.id, request.service?.clientId ?? null) }),
  )

  routes.post(
    '/internal/users/:id/revoke-tokens',
    {
      preHandler,
      schema: {
        tags: ['internal'],
        summary: "Void a user's current access tokens (role change, disable)",
        params: IdParams,
        response: { 204: { type: 'null' }, ...errors },
      },
    },
    async (request, reply) => {
      await revokeUserTokensFor(app, request.params.id, request.service?.clientId ?? null)
      return reply.code(204).send(null)
    },
  )

  routes.post(
    '/internal/sessions/:id/revoke',
    { preHandler, schema: { tags: ['internal'], summary: 'End one session', params: IdParams, response: { 204: { type: 'null' }, ...errors } } },
    async (request, reply) => {
      await revokeSessionFor(app, request.params.id, request.service?.clientId ?? null)
      return reply.code(204).send(null)
    },
  )
}
