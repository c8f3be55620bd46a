// What another service may ask of auth over the internal API (scope sessions:revoke): end a user's sessions, void a user's
// access tokens, end one session; each audited with the service client as the actor. NotFound for what does not exist.
import { recordAuditEvent } from '@portcullis/shared/audit/record'
import { NotFound } from '@portcullis/shared/errors'
import { revokeSession, revokeUserAccessTokens, revokeUserSessions } from '@portcullis/shared/sessions/revoke'
import type { AuthContext } from '../plugins/app/context.ts'
import { findUserById } from '../users/queries.ts'

/** Ends every session of the user and voids their access tokens; returns how many sessions ended. */
export async function revokeUserSessionsFor(auth: AuthContext, userId: string, clientId: string | null): Promise<number> {
  const user = await findUserById(auth.db, userId)
  if (!user) throw new NotFound()
  const now = auth.now()
  const revoked = await revokeUserSessions(auth.db, user.id, 'admin', now, auth.authConfig.accessTokenTtl)
  await revokeUserAccessTokens(auth.db, user.id, now, auth.authConfig.accessTokenTtl)
  await recordAuditEvent(auth.db, { type: 'sessions_revoked', userId: user.id, actorId: clientId, detail: { sessions: revoked } }, now)
  return revoked
}

/** Voids the user's current access tokens and keeps their sessions (after a role change). */
export async function revokeUserTokensFor(auth: AuthContext, userId: string, clientId: string | null): Promise<void> {
  const user = await findUserById(auth.db, userId)
  if (!user) throw new NotFound()
  const now = auth.now()
  await revokeUserAccessTokens(auth.db, user.id, now, auth.authConfig.accessTokenTtl)
  await recordAuditEvent(auth.db, { type: 'access_tokens_revoked', userId: user.id, actorId: clientId }, now)
}

/** Ends one session, audited once (a second call finds it ended and writes nothing). */
export async function revokeSessionFor(auth: AuthContext, sessionId: string, clientId: string | null): Promise<void> {
  const session = await auth.db.selectFrom('sessions').select(['id', 'user_id']).where('id', '=', sessionId).executeTakeFirst()
  if (!session) throw new NotFound()
  const now = auth.now()
  if (await revokeSession(auth.db, session.id, 'user', now, auth.authConfig.accessTokenTtl)) {
    await recordAuditEvent(auth.db, { type: 'session_revoked', userId: session.user_id, actorId: clientId, detail: { session_id: session.id } }, now)
  }
}
