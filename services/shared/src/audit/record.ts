// Writes one security event to the audit table, for every service that records one.
import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.ts'
import { newId } from '../ids.ts'
import type { AuditEventType } from './event-types.ts'

export type { AuditEventType } from './event-types.ts'

export interface AuditEntry {
  type: AuditEventType
  userId?: string | null
  actorId?: string | null
  ip?: string | null
  userAgent?: string | null
  detail?: Record<string, unknown>
}

export async function recordAuditEvent(db: Kysely<Database>, entry: AuditEntry, now: number): Promise<void> {
  await db
    .insertInto('audit_events')
    .values({
      id: newId(),
      at: now,
      type: entry.type,
      user_id: entry.userId ?? null,
      actor_id: entry.actorId ?? null,
      ip: entry.ip?.slice(0, 64) ?? null,
      user_agent: entry.userAgent?.slice(0, 512) ?? null,
      detail: entry.detail ? JSON.stringify(entry.detail) : null,
    })
    .execute()
}
