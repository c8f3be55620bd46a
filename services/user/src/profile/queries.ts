// Reads of the users table for the signed-in user's own account.
import type { Kysely } from 'kysely'
import type { Database, User } from '@portcullis/shared/db/schema'

export interface Account {
  user: User
  /** Whether the access token's session exists, belongs to the user and is not revoked. */
  sessionLive: boolean
}

/** The user and the state of the token's session in one read; undefined when the user row is gone. */
export async function findAccount(db: Kysely<Database>, userId: string, sessionId: string): Promise<Account | undefined> {
  const row = await db
    .selectFrom('users as u')
    .leftJoin('sessions as s', (join) => join.onRef('s.user_id', '=', 'u.id').on('s.id', '=', sessionId))
    .selectAll('u')
    .select(['s.id as session_id', 's.revoked_at as session_revoked_at'])
    .where('u.id', '=', userId)
    .executeTakeFirst()
  if (!row) return undefined
  const { session_id, session_revoked_at, ...user } = row
  return { user, sessionLive: session_id !== null && session_revoked_at === null }
}
