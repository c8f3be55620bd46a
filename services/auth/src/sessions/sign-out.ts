// Signing out: of one session (named by its refresh token or by the access token's session), or of every session of a user
// with their access tokens voided; each with its audit row.
import type { Kysely } from 'kysely'
import type { Database } from '@portcullis/shared/db/schema'
import { recordAuditEvent } from '@portcullis/shared/audit/record'
import type { RequestOrigin } from '@portcullis/shared/request-origin'
import { revokeSession, revokeUserAccessTokens, revokeUserSessions } from '@portcullis/shared/sessions/revoke'
import type { AuthContext } from '../plugins/app/context.ts'
import { hashRefreshToken, looksLikeRefreshToken } from './refresh-token.ts'

export interface SessionOf {
  sessionId: string
  userId: string
}

/** The session a refresh token belongs to (spent or not), or undefined for a token that is not one of ours. */
export async function sessionOfRefreshToken(db: Kysely<Database>, token: string): Promise<SessionOf | undefined> {
  if (!looksLikeRefreshToken(token)) return undefined
  const row = await db
    .selectFrom('refresh_tokens as t')
    .innerJoin('sessions as s', 's.id', 't.session_id')
    .select(['s.id', 's.user_id'])
    .where('t.token_hash', '=', hashRefreshToken(token))
    .executeTakeFirst()
  return row ? { sessionId: row.id, userId: row.user_id } : undefined
}

/** Ends the session if it is not ended yet, with a `logout` audit row. */
export async function signOut(auth: AuthContext, session: SessionOf, origin: RequestOrigin): Promise<void> {
  const now = auth.now()
  if (await revokeSession(auth.db, session.sessionId, 'logout', now, auth.authConfig.accessTokenTtl)) {
    await recordAuditEvent(
      auth.db,
      {
        type: 'logout',
        userId: session.userId,
        actorId: session.userId,
        ip: origin.ip,
        userAgent: origin.userAgent,
        detail: { session_id: session.sessionId },
      },
      now,
    )
  }
}

/** Ends every session of the user and voids their access tokens, with one `logout_all` audit row; returns how many ended. */
export async function signOutEverywhere(auth: AuthContext, userId: string, origin: RequestOrigin): Promise<number> {
  const now = auth.now()
  const revoked = await revokeUserSessions(auth.db, userId, 'logout_all', now, auth.authConfig.accessTokenTtl)
  await revokeUserAccessTokens(auth.db, userId, now, auth.authConfig.accessTokenTtl)
  await recordAuditEvent(
    auth.db,
    { type: 'logout_all', userId, actorId: userId, ip: origin.ip, userAgent: origin.userAgent, detail: { sessions: revoked } },
    now,
  )
  return revoked
}
