// An audit_events row as the API shows it: an ISO time, and the detail as the JSON object it was written as.
import type { AuditEventBody } from '@portcullis/shared/api/admin'
import type { PartyNames } from '@portcullis/shared/audit/parties'
import type { AuditEvent } from '@portcullis/shared/db/schema'

function parseDetail(detail: string | null): Record<string, unknown> | null {
  if (detail === null) return null
  try {
    const parsed: unknown = JSON.parse(detail)
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null
  } catch {
    return null
  }
}

export function toAuditEventBody(event: AuditEvent, parties: PartyNames): AuditEventBody {
  return {
    id: event.id,
    at: new Date(Number(event.at)).toISOString(),
    type: event.type,
    user_id: event.user_id,
    actor_id: event.actor_id,
    user: parties.party(event.user_id),
    actor: parties.party(event.actor_id),
    ip: event.ip,
    user_agent: event.user_agent,
    detail: parseDetail(event.detail),
  }
}
