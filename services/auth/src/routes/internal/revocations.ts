// GET /internal/revocations: the feed the gateway polls to refuse revoked sessions and users within seconds.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { REVOCATION_PAGE_MAX, RevocationsQuery, RevocationsResponse } from '@portcullis/shared/api/auth'
import { Forbidden, InvalidToken, TokenExpired, Unauthenticated } from '@portcullis/shared/errors'
import { problemResponses } from '@portcullis/shared/problems/responses'
import { revocationsSince } from '@portcullis/shared/revocations/feed'

export async function revocationFeedRoute(app: FastifyInstance): Promise<void> {
  app.withTypeProvider<TypeBoxTypeProvider>().get(
    '/internal/revocations',
    {
      preHandler: app.requireService('revocations:read'),
      logLevel: 'warn',
      schema: {
        tags: ['internal'],
        summary: 'Revocations from a position (epoch ms, and the id of the last row read), a page at a time',
        querystring: RevocationsQuery,
        response: { 200: RevocationsResponse, ...problemResponses(Unauthenticated, InvalidToken, TokenExpired, Forbidden) },
      },
    },
    async (request) => {
      const now = app.now()
      const { since = 0, after, limit = REVOCATION_PAGE_MAX } = request.query
      const page = await revocationsSince(app.db, { since, after }, now, limit)
      return { now, revocations: page.revocations, has_more: page.hasMore }
    },
  )
}
