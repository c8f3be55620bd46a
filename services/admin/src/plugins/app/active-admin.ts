// Defence in depth behind requireRole('admin'): the caller must still be an active admin in the database, on a session that is live.
import type { FastifyInstance, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify'
import fp from 'fastify-plugin'
import { Forbidden, Unauthenticated } from '@portcullis/shared/errors'
import { invalidToken } from '@portcullis/shared/tokens/refusals'
import { adminStanding } from '../../users/active-admin.ts'

declare module 'fastify' {
  interface FastifyInstance {
    /** preHandler, after app.requireRole('admin'): refuses a token whose holder was demoted, disabled or signed out since it was issued. */
    requireActiveAdmin: preHandlerAsyncHookHandler
  }
}

async function activeAdmin(app: FastifyInstance): Promise<void> {
  app.decorate('requireActiveAdmin', async function requireActiveAdmin(request: FastifyRequest) {
    const principal = request.principal
    if (!principal) throw new Unauthenticated()
    const standing = await adminStanding(app.db, principal.userId, principal.sessionId, app.now(), app.sessionLifetime)
    if (standing === 'not_an_active_admin') throw new Forbidden()
    if (standing === 'session_ended') throw invalidToken()
  })
}

export const activeAdminPlugin = fp(activeAdmin, { name: 'admin-active-admin', fastify: '5.x', dependencies: ['admin-context', 'portcullis-access-tokens'] })
