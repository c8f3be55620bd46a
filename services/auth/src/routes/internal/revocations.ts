// GET /internal/revocations: the feed the gateway polls to refuse revoked sessions and users within seconds.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { RevocationsQuery, RevocationsResponse } from '@portcullis/shared/api/auth'
import { ProblemSchema } from '@portcullis/shared/api/common'
import { revocationsSince } from '../../revocations/feed.ts'

export async function revocationFeedRoute(app: FastifyInstance): Promise<void> {
  app.withTypeProvider<TypeBoxTypeProvider>().get(
    '/internal/revocations',
    {
      preHandler: app.requireService('revocations:read'),
      logLevel: 'warn',
      schema: {
        tags: ['internal'],
        summary: 'Revocations since a time (epoch ms)',
        querystring: RevocationsQuery,
        response: { 200: RevocationsResponse, 401: ProblemSchema, 403: ProblemSchema },
      },
    },
    async (request) => {
      const now = app.now()
      const revocations = await revocationsSince(app.db, request.query.since ?? 0, now)
      return { now, revocations }
    },
  )
}
