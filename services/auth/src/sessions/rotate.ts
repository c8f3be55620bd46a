// Refresh-token rotation: every use replaces the token; a replaced token used again past the grace window is theft and ends the session.
import type { Kysely } from 'kysely'
import type { Database } from '@portcullis/shared/db/schema'
import { newId } from '@portcullis/shared/ids'
import type { SessionPolicy } from './policy.ts'
import { generateRefreshToken, hashRefreshToken } from './refresh-token.ts'
import { revokeSession } from './revoke.ts'

export type RotationResult =
  | { kind: 'rotated'; sessionId: string; userId: string; refreshToken: string; viaGrace: boolean }
  | { kind: 'unknown' }
  | { kind: 'revoked'; sessionId: string; userId: string }
  | { kind: 'expired'; sessionId: string; userId: string }
  | { kind: 'reused'; sessionId: string; userId: string }

export async function rotateRefreshToken(
  db: Kysely<Database>,
  presented: string,
  policy: SessionPolicy,
  now: number,
): Promise<RotationResult> {
  const row = await db
    .selectFrom('refresh_tokens as t')
    .innerJoin('sessions as s', 's.id', 't.session_id')
    .select(['t.id as token_id', 't.rotated_at', 's.id as session_id', 's.user_id', 's.revoked_at', 's.expires_at', 's.last_used_at'])
    .where('t.token_hash', '=', hashRefreshToken(presented))
    .executeTakeFirst()
  if (!row) return { kind: 'unknown' }
  const session = { sessionId: row.session_id, userId: row.user_id }
  if (row.revoked_at !== null) return { kind: 'revoked', ...session }
  if (now >= row.expires_at || now >= row.last_used_at + policy.idleMs) {
    await revokeSession(db, row.session_id, 'idle', now, policy.accessTokenTtl)
    return { kind: 'expired', ...session }
  }

  let rotatedAt = row.rotated_at
  if (rotatedAt === null) {
    const claimed = await db
      .updateTable('refresh_tokens')
      .set({ rotated_at: now })
      .where('id', '=', row.token_id)
      .where('rotated_at', 'is', null)
      .executeTakeFirst()
    if (Number(claimed.numUpdatedRows) === 0) {
      // Another request rotated it between our read and our write: judge it like any reuse.
      const current = await db.selectFrom('refresh_tokens').select('rotated_at').where('id', '=', row.token_id).executeTakeFirst()
      rotatedAt = current?.rotated_at ?? now
    }
  }
  const viaGrace = rotatedAt !== null
  if (rotatedAt !== null && now - rotatedAt > policy.reuseGraceMs) {
    await revokeSession(db, row.session_id, 'reuse', now, policy.accessTokenTtl)
    return { kind: 'reused', ...session }
  }

  const refreshToken = generateRefreshToken()
  await db
    .insertInto('refresh_tokens')
    .values({ id: newId(), session_id: row.session_id, token_hash: hashRefreshToken(refreshToken), created_at: now, rotated_at: null })
    .execute()
  await db.updateTable('sessions').set({ last_used_at: now }).where('id', '=', row.session_id).execute()
  return { kind: 'rotated', ...session, refreshToken, viaGrace }
}
