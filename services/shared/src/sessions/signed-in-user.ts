// Who may act with an access token now: the token's session must be live (sessions/liveness.ts, the rule every service asks)
// and its user active; the role is the user's now, not the one the token was issued with. Auth asks it on its own routes and
// when it vouches for a caller to an app; the OpenID Connect provider asks it before it signs anyone in to another app.
import type { Kysely } from 'kysely'
import type { Database, Role } from '../db/schema.ts'
import { isSessionLive, type SessionLifetime } from './liveness.ts'

export interface SignedInUser {
  role: Role
  username: string
}

/** The user as they are now when `sessionId` is a live session of the active user `userId`, else undefined. */
export async function liveSessionUser(
  db: Kysely<Database>,
  userId: string,
  sessionId: string,
  now: number,
  lifetime: SessionLifetime,
): Promise<SignedInUser | undefined> {
  const live = await db
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .select(['u.role', 'u.username', 'u.status', 's.revoked_at', 's.expires_at', 's.last_used_at'])
    .where('s.id', '=', sessionId)
    .where('s.user_id', '=', userId)
    .executeTakeFirst()
  return live && live.status === 'active' && isSessionLive(live, now, lifetime) ? { role: live.role, username: live.username } : undefined
}
