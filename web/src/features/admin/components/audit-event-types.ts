// The audit event types the services write (AuditEventType in services/shared/src/audit/record.ts), for the type filter.
export const AUDIT_EVENT_TYPES = [
  'signup',
  'login_succeeded',
  'login_failed',
  'login_throttled',
  'refresh_reuse_detected',
  'logout',
  'logout_all',
  'password_changed',
  'password_reset_requested',
  'password_reset',
  'password_reset_link_sent',
  'user_invited',
  'email_verification_sent',
  'email_verified',
  'email_change_requested',
  'sessions_revoked',
  'session_revoked',
  'access_tokens_revoked',
  'role_changed',
  'user_disabled',
  'user_enabled',
  'profile_updated',
  'admin_created',
  'admin_promoted',
  'signing_key_rotated',
  'service_client_created',
] as const

/** "login_succeeded" → "login succeeded". */
export function eventTypeLabel(type: string): string {
  return type.replaceAll('_', ' ')
}
