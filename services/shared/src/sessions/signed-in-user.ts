// Who may act with an access token now: the token's session must be live (sessions/liveness.ts, the rule every service asks)
// and its user active; the role is the user's now, not the one the token was issued with. Auth asks it on its own routes and
// when it vouches for a caller to an app; the OpenID Connect provider asks it before it signs anyone in to another app; the
// user service reads the whole row with it on every request.
import type { Kysely } from 'kysely'
import { precompiledQuery } from '../db/precompiled.ts'
import type { Database, Role, User } from '../db/schema.ts'
import { isLiveSessionOf, type LiveBounds, liveBounds, type SessionLifetime } from './liveness.ts'

export interface SignedInUser {
  role: Role
  username: string
}

export interface UserAndSession {
  user: User
  /** Whether the session exists, belongs to the user and is live (the one liveness rule). */
  sessionLive: boolean
}

/**
 * Asked on every authenticated request, so built once per database with the same SQL text each time. The session is a
 * subquery in the select list: SQLite compiles a join on it, or an EXISTS in the WHERE clause, anew at every execution.
 */
const userAndSessionQuery = precompiledQuery((db, p: { userId: string; sessionId: string } & LiveBounds) =>
  db
    .selectFrom('users as u')
    .selectAll('u')
    .select(isLiveSessionOf('u.id', p.sessionId, p).as('session_live'))
    .where('u.id', '=', p.userId),
)

/** The user and the state of the session in one read; undefined when the user row is gone. */
export async function findUserAndSession(
  db: Kysely<Database>,
  userId: string,
  sessionId: string,
  now: number,
  lifetime: SessionLifetime,
): Promise<UserAndSession | undefined> {
  const row = await userAndSessionQuery.executeTakeFirst(db, { userId, sessionId, ...liveBounds(now, lifetime) })
  if (!row) return undefined
  const { session_live, ...user } = row
  // SQLite and MySQL both answer EXISTS with 0 or 1.
  return { user, sessionLive: Number(session_live) === 1 }
}

/** The user as they are now when `sessionId` is a live session of the active user `userId`, else undefined. */
export async function liveSessionUser(
  db: Kysely<Database>,
  userId: string,
  sessionId: string,
  now: number,
  lifetime: SessionLifetime,
): Promise<SignedInUser | undefined> {
  const found = await findUserAndSession(db, userId, sessionId, now, lifetime)
  return found?.sessionLive && found.user.status === 'active' ? { role: found.user.role, username: found.user.username } : undefined
}
