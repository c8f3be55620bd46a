// The audit event types the services write, for the type filter: the server's own list.
export { AUDIT_EVENT_TYPES } from '@portcullis/shared/audit/event-types'

/** "login_succeeded" → "login succeeded". */
export function eventTypeLabel(type: string): string {
  return type.replaceAll('_', ' ')
}
