// The latest security events about one user, as their dashboard shows them.
import type { Kysely } from 'kysely'
import type { AccountEvent } from '@portcullis/shared/api/user'
import { resolveParties } from '@portcullis/shared/audit/parties'
import type { Database } from '@portcullis/shared/db/schema'

export const RECENT_EVENTS_LIMIT = 20

export async function recentAccountEvents(db: Kysely<Database>, userId: string, limit = RECENT_EVENTS_LIMIT): Promise<AccountEvent[]> {
  const rows = await db
    .selectFrom('audit_events')
    .select(['id', 'type', 'at', 'ip', 'user_agent', 'user_id', 'actor_id'])
    .where('user_id', '=', userId)
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute()
  // Who did it matters when it was someone else: an admin, a service, the command line.
  const parties = await resolveParties(
    db,
    rows.map((row) => ({ user_id: null, actor_id: row.actor_id === userId ? null : row.actor_id })),
  )
  return rows.map((row) => ({
    id: row.id,
    type: row.type,
    at: new Date(Number(row.at)).toISOString(),
    actor: row.actor_id === userId ? null : parties.party(row.actor_id),
    ip: row.ip,
    user_agent: row.user_agent,
  }))
}
