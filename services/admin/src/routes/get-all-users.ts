// GET /admin/get-all-users: the users table for admins, filtered, searched and paged (docs/api.md).
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { PAGE_LIMIT_DEFAULT, UserListQuery, UserListResponse } from '@portcullis/shared/api/admin'
import { toPublicUser } from '@portcullis/shared/users/public-user'
import { listUsers } from '../users/list-users.ts'
import { ADMIN_REFUSALS, ADMIN_ROUTE, adminOnly } from '../plugins/app/admin-access.ts'
import { ValidationFailed } from '@portcullis/shared/errors'
import { problemResponses } from '@portcullis/shared/problems/responses'

export async function getAllUsersRoute(app: FastifyInstance): Promise<void> {
  app.withTypeProvider<TypeBoxTypeProvider>().get(
    '/admin/get-all-users',
    {
      preHandler: adminOnly(app),
      schema: {
        ...ADMIN_ROUTE,
        summary: 'List users: filter by role and status, search by username or email prefix, page with next_cursor',
        querystring: UserListQuery,
        response: { 200: UserListResponse, ...problemResponses(...ADMIN_REFUSALS, ValidationFailed) },
      },
    },
    async (request) => {
      const { limit, cursor, q, role, status, sort } = request.query
      const page = await listUsers(app.database, { limit: limit ?? PAGE_LIMIT_DEFAULT, cursor, q, role, status, sort: sort ?? '-created_at' })
      return { users: page.users.map(toPublicUser), total: page.total, next_cursor: page.nextCursor }
    },
  )
}
