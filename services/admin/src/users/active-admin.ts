// Whether the holder of an admin token is still an active admin, on a session that is live (sessions/liveness.ts): a token
// outlives a demotion, a disable or a sign-out by at most the time the gateway takes to apply the revocation feed.
import type { Kysely } from 'kysely'
import type { Database } from '@portcullis/shared/db/schema'
import { isSessionLive, type SessionLifetime } from '@portcullis/shared/sessions/liveness'

export type AdminStanding = 'active_admin' | 'not_an_active_admin' | 'session_ended'

export async function adminStanding(db: Kysely<Database>, userId: string, sessionId: string, now: number, lifetime: SessionLifetime): Promise<AdminStanding> {
  const row = await db
    .selectFrom('users as u')
    .leftJoin('sessions as s', (join) => join.onRef('s.user_id', '=', 'u.id').on('s.id', '=', sessionId))
    .select(['u.role', 'u.status', 's.id as session_id', 's.revoked_at', 's.expires_at', 's.last_used_at'])
    .where('u.id', '=', userId)
    .executeTakeFirst()
  if (row?.role !== 'admin' || row.status !== 'active') return 'not_an_active_admin'
  if (row.session_id === null || row.expires_at === null || row.last_used_at === null) return 'session_ended'
  const session = { revoked_at: row.revoked_at, expires_at: row.expires_at, last_used_at: row.last_used_at }
  return isSessionLive(session, now, lifetime) ? 'active_admin' : 'session_ended'
}
