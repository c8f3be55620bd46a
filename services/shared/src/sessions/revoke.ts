// Ending sessions: one, all of a user's, or all but one; each also enters the revocation feed, and the apps signed in with
// Portcullis in those sessions (OpenID Connect grants, oidc/sign-ins.ts) end with them.
import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.ts'
import { endSignIns } from '../oidc/sign-ins.ts'
import { publishRevocations } from '../revocations/feed.ts'

export type RevokeReason = 'logout' | 'logout_all' | 'password_changed' | 'reuse' | 'idle' | 'admin' | 'user' | 'disabled'

export async function revokeSession(db: Kysely<Database>, sessionId: string, reason: RevokeReason, now: number, accessTokenTtl: number): Promise<boolean> {
  const result = await db
    .updateTable('sessions')
    .set({ revoked_at: now, revoked_reason: reason })
    .where('id', '=', sessionId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst()
  const revoked = Number(result.numUpdatedRows) > 0
  if (revoked) {
    await publishRevocations(db, [{ kind: 'session', subject: sessionId, at: now }], accessTokenTtl)
    await endSignIns(db, { sessionIds: [sessionId] })
  }
  return revoked
}

/**
 * Revokes every live session of a user except `keepSessionId`; returns how many were revoked. The user's apps signed in with
 * Portcullis end too, but those signed in within the kept session, even when they were made in sessions already over.
 */
export async function revokeUserSessions(
  db: Kysely<Database>,
  userId: string,
  reason: RevokeReason,
  now: number,
  accessTokenTtl: number,
  keepSessionId?: string,
): Promise<number> {
  let query = db.selectFrom('sessions').select('id').where('user_id', '=', userId).where('revoked_at', 'is', null)
  if (keepSessionId) query = query.where('id', '!=', keepSessionId)
  const live = await query.execute()
  await endSignIns(db, { userId, ...(keepSessionId === undefined ? {} : { exceptSessionId: keepSessionId }) })
  if (live.length === 0) return 0
  const ids = live.map((row) => row.id)
  await db.updateTable('sessions').set({ revoked_at: now, revoked_reason: reason }).where('id', 'in', ids).where('revoked_at', 'is', null).execute()
  await publishRevocations(
    db,
    ids.map((id) => ({ kind: 'session' as const, subject: id, at: now })),
    accessTokenTtl,
  )
  return ids.length
}

/** Voids every access token the user holds now (role change, disable), without ending the sessions themselves. */
export async function revokeUserAccessTokens(db: Kysely<Database>, userId: string, now: number, accessTokenTtl: number): Promise<void> {
  await publishRevocations(db, [{ kind: 'user', subject: userId, at: now }], accessTokenTtl)
}
