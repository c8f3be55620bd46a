// Loads the signed-in user's row once the access token verifies: `preHandler: [app.requireRole('user'), app.requireAccount]`.
import type { FastifyInstance, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify'
import fp from 'fastify-plugin'
import type { User } from '@portcullis/shared/db/schema'
import { AccountDisabled, Forbidden, InvalidToken, type ProblemFactory, SessionRevoked, TokenExpired, Unauthenticated } from '@portcullis/shared/errors'
import type { Principal } from '@portcullis/shared/tokens/principal'
import { findUserAndSession } from '@portcullis/shared/sessions/signed-in-user'

declare module 'fastify' {
  interface FastifyInstance {
    /** preHandler after requireRole: the user must exist and be active, and the token's session must not be revoked. */
    requireAccount: preHandlerAsyncHookHandler
  }
  interface FastifyRequest {
    account: User | null
  }
}

/** What a route behind `[requireRole('user'), requireAccount]` may answer before it runs. */
export const ACCOUNT_REFUSALS: readonly ProblemFactory[] = [Unauthenticated, InvalidToken, TokenExpired, SessionRevoked, Forbidden, AccountDisabled]

export interface SignedIn {
  user: User
  principal: Principal
}

/** The principal and user row that requireRole and requireAccount put on the request. */
export function signedIn(request: FastifyRequest): SignedIn {
  const { principal, account } = request
  if (!principal || !account) throw new Error('the route did not run requireRole and requireAccount')
  return { user: account, principal }
}

async function account(app: FastifyInstance): Promise<void> {
  app.decorateRequest('account', null)
  app.decorate('requireAccount', async function requireAccount(request: FastifyRequest) {
    const principal = request.principal
    if (!principal) throw new Error('requireAccount must run after requireRole')
    const found = await findUserAndSession(app.db, principal.userId, principal.sessionId, app.now(), app.sessionLifetime)
    if (found?.user.status !== 'active') throw new AccountDisabled()
    // The gateway refuses such tokens within seconds; this closes the gap for calls that reach us first.
    if (!found.sessionLive) throw Object.assign(new SessionRevoked(), { wwwAuthenticate: 'Bearer error="invalid_token"' })
    request.account = found.user
  })
}

export const accountPlugin = fp(account, { name: 'user-account', fastify: '5.x', dependencies: ['user-context', 'portcullis-access-tokens'] })
