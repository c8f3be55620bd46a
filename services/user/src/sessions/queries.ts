// Reads of the sessions table (owned by auth) for the signed-in user: only live sessions count.
import type { Kysely } from 'kysely'
import type { Database, Session } from '@portcullis/shared/db/schema'

/** When a session stops being live: its absolute expiry, or REFRESH_IDLE_TTL after its last refresh. */
export interface SessionLiveness {
  now: number
  idleMs: number
}

function liveSessionsOf(db: Kysely<Database>, userId: string, liveness: SessionLiveness) {
  return db
    .selectFrom('sessions')
    .selectAll()
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', liveness.now)
    .where('last_used_at', '>', liveness.now - liveness.idleMs)
}

/** The user's live sessions, newest first. */
export async function listLiveSessions(db: Kysely<Database>, userId: string, liveness: SessionLiveness): Promise<Session[]> {
  return liveSessionsOf(db, userId, liveness).orderBy('created_at', 'desc').orderBy('id', 'desc').execute()
}

export async function findLiveSession(db: Kysely<Database>, userId: string, sessionId: string, liveness: SessionLiveness): Promise<Session | undefined> {
  return liveSessionsOf(db, userId, liveness).where('id', '=', sessionId).executeTakeFirst()
}
