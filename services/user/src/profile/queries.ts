// Reads of the users table for the signed-in user's own account.
import type { Kysely } from 'kysely'
import type { Database, User } from '@portcullis/shared/db/schema'
import { isSessionLive, type SessionLifetime } from '@portcullis/shared/sessions/liveness'

export interface Account {
  user: User
  /** Whether the access token's session exists, belongs to the user and is live (the one liveness rule). */
  sessionLive: boolean
}

/** The user and the state of the token's session in one read; undefined when the user row is gone. */
export async function findAccount(
  db: Kysely<Database>,
  userId: string,
  sessionId: string,
  now: number,
  lifetime: SessionLifetime,
): Promise<Account | undefined> {
  const row = await db
    .selectFrom('users as u')
    .leftJoin('sessions as s', (join) => join.onRef('s.user_id', '=', 'u.id').on('s.id', '=', sessionId))
    .selectAll('u')
    .select(['s.id as session_id', 's.revoked_at as session_revoked_at', 's.expires_at as session_expires_at', 's.last_used_at as session_last_used_at'])
    .where('u.id', '=', userId)
    .executeTakeFirst()
  if (!row) return undefined
  const { session_id, session_revoked_at, session_expires_at, session_last_used_at, ...user } = row
  const sessionLive =
    session_id !== null &&
    session_expires_at !== null &&
    session_last_used_at !== null &&
    isSessionLive({ revoked_at: session_revoked_at, expires_at: session_expires_at, last_used_at: session_last_used_at }, now, lifetime)
  return { user, sessionLive }
}
