// What every admin route shares: the admin-role check on the token and in the database, its OpenAPI tag and security, and its refusals.
import type { FastifyInstance, preHandlerAsyncHookHandler } from 'fastify'
import { Forbidden, InvalidToken, type ProblemFactory, TokenExpired, Unauthenticated } from '@portcullis/shared/errors'

/** preHandler of every admin route: a valid admin access token, whose holder the database still knows as an active admin. */
export function adminOnly(app: FastifyInstance): preHandlerAsyncHookHandler[] {
  return [app.requireRole('admin'), app.requireActiveAdmin]
}

export const ADMIN_ROUTE = { tags: ['admin'], security: [{ bearer: [] }] }

/** The answers any admin route may give besides its own: no or bad token (401), not an active admin (403). */
export const ADMIN_REFUSALS: readonly ProblemFactory[] = [Unauthenticated, InvalidToken, TokenExpired, Forbidden]
