// The one Portcullis schema, as Kysely sees it. Times are epoch milliseconds (BIGINT), ids are UUIDv7 strings.
import type { ColumnType, Insertable, Selectable } from 'kysely'

/** A nullable column an insert may leave out (it is then NULL). */
type Optional<T> = ColumnType<T | null, T | null | undefined, T | null>

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
  /** When `email` was proven by a verification link; null while it is not (or there is none). */
  email_verified_at: Optional<number>
  /** An email change waiting for its verification link; `email` stays the old address until then. */
  pending_email: Optional<string>
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
  /** How the user proved themselves, comma-separated (`pwd`, `pwd,otp`); null for sessions from before: `pwd`. */
  amr: Optional<string | null>
  /** When they did, ms; null for sessions from before: created_at. */
  auth_time: Optional<number | null>
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

export type AccountTokenPurpose = 'reset' | 'verify' | 'invite'

/** A single-use link token (reset, verify, invite): its SHA-256, never the token itself. */
export interface AccountTokensTable {
  id: string
  user_id: string
  purpose: AccountTokenPurpose
  token_hash: string
  email: string | null
  created_at: number
  expires_at: number
  used_at: number | null
}

/** An authenticator app of a user: its secret (wrapped with KEY_ENCRYPTION_KEY when set), in force once confirmed. */
export interface TotpFactorsTable {
  user_id: string
  secret: string
  created_at: number
  confirmed_at: number | null
  last_used_step: number | null
}

/** One recovery code of a user, as its SHA-256; used once. */
export interface RecoveryCodesTable {
  id: string
  user_id: string
  code_hash: string
  created_at: number
  used_at: number | null
}

/** A sign-in waiting for its second step: the ticket's SHA-256, the session mode asked for, wrong codes so far. */
export interface MfaChallengesTable {
  id: string
  user_id: string
  token_hash: string
  mode: SessionMode
  created_at: number
  expires_at: number
  failures: number
  used_at: number | null
}

/** A user's passkey (WebAuthn credential): the credential id (base64url) and public key (COSE, base64url), found by its id's SHA-256. */
export interface PasskeysTable {
  id: string
  user_id: string
  credential_hash: string
  credential_id: string
  public_key: string
  counter: number
  /** The authenticator's transports as it reported them, comma-separated (usb, nfc, ble, internal, hybrid). */
  transports: string | null
  device_type: 'singleDevice' | 'multiDevice'
  /** 1 when a multi-device passkey is backed up (synced), else 0. */
  backed_up: number
  aaguid: string | null
  name: string
  created_at: number
  last_used_at: number | null
}

/** What a passkey challenge was handed out for: a registration, a sign-in with a passkey alone, a second step, a re-authentication. */
export type PasskeyPurpose = 'register' | 'sign_in' | 'second_factor' | 'reauthenticate'

/** A WebAuthn challenge handed out and not yet answered: its SHA-256, for whom (null for a sign-in), until when. */
export interface PasskeyChallengesTable {
  id: string
  challenge_hash: string
  user_id: string | null
  purpose: PasskeyPurpose
  created_at: number
  expires_at: number
}

/** One mail, written in the transaction of what caused it; the sender delivers it (services/auth/src/mail). */
export interface MailOutboxTable {
  id: string
  kind: string
  user_id: string | null
  recipient: string
  subject: string
  text_body: string
  html_body: string
  created_at: number
  attempts: number
  next_attempt_at: number
  claimed_by: string | null
  claimed_until: number | null
  sent_at: number | null
  last_error: string | null
}

/** oidc-provider's state: one row per model (Session, AccessToken, Grant, ...) and id; the payload is its JSON. */
export interface OidcPayloadsTable {
  model: string
  id: string
  payload: string
  grant_id: string | null
  user_code: string | null
  uid: string | null
  /** Epoch milliseconds; null for what does not expire. Rows past it are never found. */
  expires_at: number | null
  consumed_at: number | null
}

/** The relying parties registered with our OpenID Connect provider. */
export interface OidcClientsTable {
  id: string
  name: string
  /** SHA-256 of the secret (hex); null for a public client. */
  secret_hash: string | null
  /** A JSON array of absolute http(s) URIs. */
  redirect_uris: string
  public: number
  first_party: number
  created_at: number
  disabled_at: number | null
}

/** Which Portcullis session an OpenID Connect grant (a user's sign-in to one client) was made or last renewed in. */
export interface OidcSignInsTable {
  grant_id: string
  user_id: string
  client_id: string
  session_id: string
  created_at: number
  last_used_at: number
}

/** What a user consented to give a client: asked again only for scopes beyond these. */
export interface OidcConsentsTable {
  user_id: string
  client_id: string
  /** Space-separated scopes. */
  scopes: string
  granted_at: number
}

/** The provider's own secrets (its cookie keys), made once and shared by every instance. */
export interface OidcSecretsTable {
  name: string
  value: string
  created_at: number
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
  account_tokens: AccountTokensTable
  mail_outbox: MailOutboxTable
  totp_factors: TotpFactorsTable
  recovery_codes: RecoveryCodesTable
  mfa_challenges: MfaChallengesTable
  passkeys: PasskeysTable
  passkey_challenges: PasskeyChallengesTable
  oidc_payloads: OidcPayloadsTable
  oidc_clients: OidcClientsTable
  oidc_sign_ins: OidcSignInsTable
  oidc_consents: OidcConsentsTable
  oidc_secrets: OidcSecretsTable
}

export type User = Selectable<UsersTable>
export type NewUser = Insertable<UsersTable>
export type Session = Selectable<SessionsTable>
export type SigningKeyRow = Selectable<SigningKeysTable>
export type ServiceClient = Selectable<ServiceClientsTable>
export type OidcClient = Selectable<OidcClientsTable>
export type AuditEvent = Selectable<AuditEventsTable>
