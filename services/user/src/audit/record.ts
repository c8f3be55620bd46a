// Writes one security event of the user context to the audit table.
import type { Kysely } from 'kysely'
import type { Database } from '@portcullis/shared/db/schema'
import { newId } from '@portcullis/shared/ids'

export type UserAuditEventType = 'profile_updated'

export interface RequestOrigin {
  ip: string | null
  userAgent: string | null
}

export interface UserAuditEntry {
  type: UserAuditEventType
  userId: string
  actorId: string
  origin: RequestOrigin
  detail?: Record<string, unknown>
}

export async function recordAuditEvent(db: Kysely<Database>, entry: UserAuditEntry, now: number): Promise<void> {
  await db
    .insertInto('audit_events')
    .values({
      id: newId(),
      at: now,
      type: entry.type,
      user_id: entry.userId,
      actor_id: entry.actorId,
      ip: entry.origin.ip?.slice(0, 64) ?? null,
      user_agent: entry.origin.userAgent?.slice(0, 512) ?? null,
      detail: entry.detail ? JSON.stringify(entry.detail) : null,
    })
    .execute()
}
