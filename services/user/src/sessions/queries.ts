// Reads of the sessions table (owned by auth) for the signed-in user: only live sessions count, by the one liveness rule.
import type { Kysely } from 'kysely'
import type { Database, Session } from '@portcullis/shared/db/schema'
import { type SessionLifetime, sessionIsLive } from '@portcullis/shared/sessions/liveness'

function liveSessionsOf(db: Kysely<Database>, userId: string, now: number, lifetime: SessionLifetime) {
  return db
    .selectFrom('sessions')
    .selectAll()
    .where('user_id', '=', userId)
    .where(sessionIsLive('sessions', now, lifetime))
}

/** The user's live sessions, newest first. */
export async function listLiveSessions(db: Kysely<Database>, userId: string, now: number, lifetime: SessionLifetime): Promise<Session[]> {
  return liveSessionsOf(db, userId, now, lifetime).orderBy('created_at', 'desc').orderBy('id', 'desc').execute()
}

export async function findLiveSession(
  db: Kysely<Database>,
  userId: string,
  sessionId: string,
  now: number,
  lifetime: SessionLifetime,
): Promise<Session | undefined> {
  return liveSessionsOf(db, userId, now, lifetime).where('id', '=', sessionId).executeTakeFirst()
}
