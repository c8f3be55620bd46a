// Reads of the sessions table (owned by auth) for the signed-in user: only live sessions count, by the one liveness rule.
import type { Kysely } from 'kysely'
import { precompiledQuery } from '@portcullis/shared/db/precompiled'
import type { Database, Session } from '@portcullis/shared/db/schema'
import { type LiveBounds, liveBounds, type SessionLifetime, sessionWithinBounds } from '@portcullis/shared/sessions/liveness'

function liveSessionsOf(db: Kysely<Database>, userId: string, bounds: LiveBounds) {
  return db.selectFrom('sessions').selectAll().where('user_id', '=', userId).where(sessionWithinBounds('sessions', bounds))
}

/** The sessions page and the dashboard: built once per database. */
const liveSessionsNewestFirst = precompiledQuery((db, p: { userId: string } & LiveBounds) =>
  liveSessionsOf(db, p.userId, p).orderBy('created_at', 'desc').orderBy('id', 'desc'),
)

/** The user's live sessions, newest first. */
export async function listLiveSessions(db: Kysely<Database>, userId: string, now: number, lifetime: SessionLifetime): Promise<Session[]> {
  return liveSessionsNewestFirst.execute(db, { userId, ...liveBounds(now, lifetime) })
}

export async function findLiveSession(
  db: Kysely<Database>,
  userId: string,
  sessionId: string,
  now: number,
  lifetime: SessionLifetime,
): Promise<Session | undefined> {
  return liveSessionsOf(db, userId, liveBounds(now, lifetime)).where('id', '=', sessionId).executeTakeFirst()
}
