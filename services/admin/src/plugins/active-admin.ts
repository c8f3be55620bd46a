// Defence in depth behind requireRole('admin'): the caller must still be an active admin in the database, on a session that is live.
import type { FastifyInstance, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify'
import fp from 'fastify-plugin'
import { Forbidden, InvalidToken, Unauthenticated } from '@portcullis/shared/errors'
import { isSessionLive, sessionLifetime } from '@portcullis/shared/sessions/liveness'

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
    const row = await app.db
      .selectFrom('users as u')
      .leftJoin('sessions as s', (join) => join.onRef('s.user_id', '=', 'u.id').on('s.id', '=', principal.sessionId))
      .select(['u.role', 'u.status', 's.id as session_id', 's.revoked_at', 's.expires_at', 's.last_used_at'])
      .where('u.id', '=', principal.userId)
      .executeTakeFirst()
    if (row?.role !== 'admin' || row.status !== 'active') throw new Forbidden()
    const session =
      row.session_id === null || row.expires_at === null || row.last_used_at === null
        ? undefined
        : { revoked_at: row.revoked_at, expires_at: row.expires_at, last_used_at: row.last_used_at }
    if (!session || !isSessionLive(session, app.now(), sessionLifetime(app.adminConfig))) {
      throw Object.assign(new InvalidToken(), { wwwAuthenticate: 'Bearer error="invalid_token"' })
    }
  })
}

export const activeAdminPlugin = fp(activeAdmin, { name: 'admin-active-admin', fastify: '5.x', dependencies: ['admin-context', 'portcullis-access-tokens'] })
