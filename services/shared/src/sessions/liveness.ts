// When a session is live: the one rule every part of Portcullis asks (auth when it rotates a refresh token or accepts an
// access token, the user service when it lists sessions or serves a profile, the admin service when it counts them or checks
// an admin). A session is live while nobody revoked it, before its absolute expiry, and within REFRESH_IDLE_TTL of its
// last refresh; an access token is only as good as its session.
import { type Expression, type RawBuilder, type SqlBool, sql } from 'kysely'

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
  return sessionWithinBounds(table, liveBounds(now, lifetime))
}

/** What a live session must be after, now: its absolute expiry and its idle limit, as the condition compares them. */
export interface LiveBounds {
  now: number
  /** now − REFRESH_IDLE_TTL: a session last refreshed at or before this has gone idle. */
  idleSince: number
}

export function liveBounds(now: number, lifetime: SessionLifetime): LiveBounds {
  return { now, idleSince: now - lifetime.idleMs }
}

/** sessionIsLive with its bounds given, so that a precompiled query can take them as parameters (db/precompiled.ts). */
export function sessionWithinBounds(table: string, bounds: LiveBounds): Expression<SqlBool> {
  const column = (name: string) => sql.ref(`${table}.${name}`)
  return sql<SqlBool>`(${column('revoked_at')} is null and ${column('expires_at')} > ${bounds.now} and ${column('last_used_at')} > ${bounds.idleSince})`
}

export function sessionLifetime(config: { refreshIdleTtl: number }): SessionLifetime {
  return { idleMs: config.refreshIdleTtl * 1000 }
}

/** As a condition on a query of users: `sessionId` is a live session of the user whose id is `userColumn` (e.g. 'u.id'). */
export function isLiveSessionOf(userColumn: string, sessionId: string, bounds: LiveBounds): RawBuilder<SqlBool> {
  // A correlated subquery, not a join: SQLite compiles a join on the session's id anew at every execution (issue 17).
  return sql<SqlBool>`exists (select 1 from sessions as live_session where live_session.id = ${sessionId} and live_session.user_id = ${sql.ref(userColumn)} and ${sessionWithinBounds('live_session', bounds)})`
}
