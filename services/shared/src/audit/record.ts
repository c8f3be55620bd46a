// Writes one security event to the audit table, for every service that records one.
import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.ts'
import { newId } from '../ids.ts'

export type AuditEventType =
  | 'signup'
  | 'login_succeeded'
  | 'login_failed'
  | 'login_throttled'
  | 'refresh_reuse_detected'
  | 'logout'
  | 'logout_all'
  | 'password_changed'
  | 'password_reset_requested'
  | 'password_reset'
  | 'password_reset_link_sent'
  | 'user_invited'
  | 'email_verification_sent'
  | 'email_verified'
  | 'email_change_requested'
  | 'mfa_enabled'
  | 'mfa_disabled'
  | 'recovery_codes_regenerated'
  | 'recovery_code_used'
  | 'sessions_revoked'
  | 'session_revoked'
  | 'access_tokens_revoked'
  | 'admin_created'
  | 'admin_promoted'
  | 'signing_key_rotated'
  | 'service_client_created'
  | 'profile_updated'
  | 'role_changed'
  | 'user_disabled'
  | 'user_enabled'

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
