// The one Portcullis schema, as Kysely sees it. Times are epoch milliseconds (BIGINT), ids are UUIDv7 strings.
import type { Insertable, Selectable } from 'kysely'

export type Role = 'user' | 'admin'
export type UserStatus = 'active' | 'disabled'
export type SessionMode = 'cookie' | 'token'
export type RevocationKind = 'session' | 'user'

export interface UsersTable {
  id: string
  username: string
  email: string | null
  display_name: string | null
  password_hash: string
  role: Role
  status: UserStatus
  created_at: number
  updated_at: number
  last_login_at: number | null
  password_changed_at: number
}

export interface SessionsTable {
  id: string
  user_id: string
  mode: SessionMode
  created_at: number
  last_used_at: number
  expires_at: number
  revoked_at: number | null
  revoked_reason: string | null
  user_agent: string | null
  ip: string | null
}

export interface RefreshTokensTable {
  id: string
  session_id: string
  token_hash: string
  created_at: number
  rotated_at: number | null
  /** Once rotated: the next token of the session, sealed with a key derived from this one (sessions/successor-seal.ts). */
  successor: string | null
}

export interface SigningKeysTable {
  kid: string
  alg: string
  public_jwk: string
  private_pem: string
  created_at: number
  retired_at: number | null
}

export interface ServiceClientsTable {
  id: string
  name: string
  secret_hash: string
  scopes: string
  created_at: number
  disabled_at: number | null
}

export interface AuditEventsTable {
  id: string
  at: number
  type: string
  user_id: string | null
  actor_id: string | null
  ip: string | null
  user_agent: string | null
  detail: string | null
}

export interface LoginThrottleTable {
  key: string
  failures: number
  last_failure_at: number
  blocked_until: number
}

export interface TokenRevocationsTable {
  id: string
  kind: RevocationKind
  subject: string
  at: number
  expires_at: number
}

export interface Database {
  users: UsersTable
  sessions: SessionsTable
  refresh_tokens: RefreshTokensTable
  signing_keys: SigningKeysTable
  service_clients: ServiceClientsTable
  audit_events: AuditEventsTable
  login_throttle: LoginThrottleTable
  token_revocations: TokenRevocationsTable
}

export type User = Selectable<UsersTable>
export type NewUser = Insertable<UsersTable>
export type Session = Selectable<SessionsTable>
export type SigningKeyRow = Selectable<SigningKeysTable>
export type ServiceClient = Selectable<ServiceClientsTable>
export type AuditEvent = Selectable<AuditEventsTable>
