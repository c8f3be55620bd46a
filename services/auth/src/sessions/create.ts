// One session per login, with its first refresh token.
import type { Kysely } from 'kysely'
import type { Database, SessionMode } from '@portcullis/shared/db/schema'
import { newId } from '@portcullis/shared/ids'
import type { SessionPolicy } from './policy.ts'
import { generateRefreshToken, hashRefreshToken } from './refresh-token.ts'

export interface SessionOrigin {
  ip: string | null
  userAgent: string | null
}

/** How the user proved themselves for a session (OpenID's amr values: pwd, otp, hwk …) and when, ms. */
export interface SessionProof {
  amr: string[]
  authTime: number
}

/** A session's refresh token and the proof it was made with: what its token answer signs. */
export interface CreatedSession {
  sessionId: string
  refreshToken: string
  proof: SessionProof
}

/** The session's row and its first refresh token; `db` is the caller's transaction (sign-in.ts startSession). */
export async function createSession(
  db: Kysely<Database>,
  userId: string,
  mode: SessionMode,
  origin: SessionOrigin,
  policy: SessionPolicy,
  now: number,
  proof: SessionProof = { amr: ['pwd'], authTime: now },
): Promise<CreatedSession> {
  const sessionId = newId()
  const refreshToken = generateRefreshToken()
  await db
    .insertInto('sessions')
    .values({
      id: sessionId,
      user_id: userId,
      mode,
      created_at: now,
      last_used_at: now,
      expires_at: now + policy.absoluteMs,
      revoked_at: null,
      revoked_reason: null,
      user_agent: origin.userAgent?.slice(0, 512) ?? null,
      ip: origin.ip?.slice(0, 64) ?? null,
      amr: proof.amr.join(','),
      auth_time: proof.authTime,
    })
    .execute()
  await db
    .insertInto('refresh_tokens')
    .values({ id: newId(), session_id: sessionId, token_hash: hashRefreshToken(refreshToken), created_at: now, rotated_at: null, successor: null })
    .execute()
  return { sessionId, refreshToken, proof }
}

/** Whether a session's tokens go to a browser's cookies or to a client's JSON, as its sign-in asked. */
export async function sessionMode(db: Kysely<Database>, sessionId: string): Promise<SessionMode | undefined> {
  const row = await db.selectFrom('sessions').select('mode').where('id', '=', sessionId).executeTakeFirst()
  return row?.mode
}

/** The proof a session row records; sessions from before it was recorded: a password, at their creation. */
export function proofOf(row: { amr: string | null | undefined; auth_time: number | null | undefined; created_at: number }): SessionProof {
  return { amr: row.amr ? row.amr.split(',') : ['pwd'], authTime: Number(row.auth_time ?? row.created_at) }
}
