// Writes the security events of user management to the audit table.
import type { Kysely } from 'kysely'
import type { Database } from '@portcullis/shared/db/schema'
import { newId } from '@portcullis/shared/ids'

export type AdminAuditEventType = 'role_changed' | 'user_disabled' | 'user_enabled' | 'sessions_revoked'

/** The admin who acts, and where the request came from. */
export interface Actor {
  userId: string
  ip: string | null
  userAgent: string | null
}

export interface AdminAuditEntry {
  type: AdminAuditEventType
  /** The user acted upon. */
  userId: string
  actor: Actor
  detail?: Record<string, unknown>
}

export async function recordAdminEvent(db: Kysely<Database>, entry: AdminAuditEntry, now: number): Promise<void> {
  await db
    .insertInto('audit_events')
    .values({
      id: newId(),
      at: now,
      type: entry.type,
      user_id: entry.userId,
      actor_id: entry.actor.userId,
      ip: entry.actor.ip?.slice(0, 64) ?? null,
      user_agent: entry.actor.userAgent?.slice(0, 512) ?? null,
      detail: entry.detail ? JSON.stringify(entry.detail) : null,
    })
    .execute()
}
