// When a session is live: the one rule every part of Portcullis asks (auth when it rotates a refresh token or accepts an
// access token, the user service when it lists sessions or serves a profile, the admin service when it counts them or checks
// an admin). A session is live while nobody revoked it, before its absolute expiry, and within REFRESH_IDLE_TTL of its
// last refresh; an access token is only as good as its session.
import { type Expression, type SqlBool, sql } from 'kysely'

export interface SessionLifetime {
  /** REFRESH_IDLE_TTL in ms: a session not refreshed for this long has ended, though nobody revoked it. */
  idleMs: number
}

export interface SessionTimes {
  revoked_at: number | null
  expires_at: number
  last_used_at: number
}

export type SessionState = 'live' | 'revoked' | 'expired'

export function sessionState(session: SessionTimes, now: number, lifetime: SessionLifetime): SessionState {
  if (session.revoked_at !== null) return 'revoked'
  if (now >= Number(session.expires_at) || now >= Number(session.last_used_at) + lifetime.idleMs) return 'expired'
  return 'live'
}

export function isSessionLive(session: SessionTimes, now: number, lifetime: SessionLifetime): boolean {
  return sessionState(session, now, lifetime) === 'live'
}

/** The same rule as a condition on the sessions table (or its alias), for the queries that list or count live sessions. */
export function sessionIsLive(table: string, now: number, lifetime: SessionLifetime): Expression<SqlBool> {
  const column = (name: string) => sql.ref(`${table}.${name}`)
  return sql<SqlBool>`(${column('revoked_at')} is null and ${column('expires_at')} > ${now} and ${column('last_used_at')} > ${now - lifetime.idleMs})`
}

export function sessionLifetime(config: { refreshIdleTtl: number }): SessionLifetime {
  return { idleMs: config.refreshIdleTtl * 1000 }
}
