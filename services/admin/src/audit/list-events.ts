// The audit log for admins: newest first, filtered by type, user and time, in keyset pages on (at, id).
import type { DatabaseHandle } from '@portcullis/shared/db/handle'
import type { AuditEvent } from '@portcullis/shared/db/schema'
import { indexHint } from '../db/index-hint.ts'
import { decodeCursor, encodeCursor, invalidCursor } from '../pagination/cursor.ts'
import { keysetAfter } from '@portcullis/shared/db/keyset'

export interface AuditEventFilters {
  type?: string
  userId?: string
  /** Epoch ms, inclusive. */
  since?: number
  /** Epoch ms, exclusive. */
  until?: number
}

export interface AuditEventListRequest extends AuditEventFilters {
  limit: number
  cursor?: string
}

export interface AuditEventPage {
  events: AuditEvent[]
  nextCursor: string | null
}

interface EventPosition {
  at: number
  id: string
}

function readEventCursor(raw: string): EventPosition {
  const [at, id, ...rest] = decodeCursor(raw)
  if (rest.length > 0 || !Number.isSafeInteger(at) || typeof id !== 'string' || id.length > 64) throw invalidCursor()
  return { at: at as number, id }
}

/** The index of migration 0001 that serves these filters newest first; a user's events are few, so user_id wins over type. */
export function eventIndex(filters: AuditEventFilters): string {
  if (filters.userId !== undefined) return 'audit_events_user_at'
  if (filters.type !== undefined) return 'audit_events_type_at'
  return 'audit_events_at'
}

export function auditEventPageQuery(database: DatabaseHandle, request: AuditEventListRequest, after?: EventPosition) {
  let query = database.db
    .selectFrom('audit_events')
    .selectAll()
    .withPlugin(indexHint(database.kind, 'audit_events', eventIndex(request)))
  if (request.type !== undefined) query = query.where('type', '=', request.type)
  if (request.userId !== undefined) query = query.where('user_id', '=', request.userId)
  if (request.since !== undefined) query = query.where('at', '>=', request.since)
  if (request.until !== undefined) query = query.where('at', '<', request.until)
  if (after) query = query.where(keysetAfter('at', 'id', 'desc', after.at, after.id))
  return query
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(request.limit + 1)
}

export async function listAuditEvents(database: DatabaseHandle, request: AuditEventListRequest): Promise<AuditEventPage> {
  const after = request.cursor === undefined ? undefined : readEventCursor(request.cursor)
  const rows = await auditEventPageQuery(database, request, after).execute()
  const events = rows.slice(0, request.limit)
  const last = events.at(-1)
  const nextCursor = rows.length > request.limit && last ? encodeCursor([Number(last.at), last.id]) : null
  return { events, nextCursor }
}

export async function recentAuditEvents(database: DatabaseHandle, count: number): Promise<AuditEvent[]> {
  return (await listAuditEvents(database, { limit: count })).events
}
