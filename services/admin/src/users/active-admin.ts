// Whether the holder of an admin token is still an active admin, on a session that is live (sessions/liveness.ts): a token
// outlives a demotion, a disable or a sign-out by at most the time the gateway takes to apply the revocation feed. Asked on
// every admin request: the one per-request read every service shares (sessions/signed-in-user.ts), compiled once.
import type { Kysely } from 'kysely'
import type { Database } from '@portcullis/shared/db/schema'
import type { SessionLifetime } from '@portcullis/shared/sessions/liveness'
import { findUserAndSession } from '@portcullis/shared/sessions/signed-in-user'

export type AdminStanding = 'active_admin' | 'not_an_active_admin' | 'session_ended'

export async function adminStanding(db: Kysely<Database>, userId: string, sessionId: string, now: number, lifetime: SessionLifetime): Promise<AdminStanding> {
  const found = await findUserAndSession(db, userId, sessionId, now, lifetime)
  if (found?.user.role !== 'admin' || found.user.status !== 'active') return 'not_an_active_admin'
  return found.sessionLive ? 'active_admin' : 'session_ended'
}
