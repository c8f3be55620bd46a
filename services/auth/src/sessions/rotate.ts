// Refresh-token rotation: every use replaces the token; a replaced token used again within the grace window gets the same
// successor back (two tabs refreshing at once share one chain); used again after it, it is theft and ends the session.
import type { Kysely } from 'kysely'
import { precompiledQuery } from '@portcullis/shared/db/precompiled'
import type { Database, User } from '@portcullis/shared/db/schema'
import { newId } from '@portcullis/shared/ids'
import { sessionState } from '@portcullis/shared/sessions/liveness'
import { proofOf, type SessionProof } from './create.ts'
import type { SessionPolicy } from './policy.ts'
import { generateRefreshToken, hashRefreshToken } from './refresh-token.ts'
import { revokeSession } from '@portcullis/shared/sessions/revoke'
import { openSuccessor, sealSuccessor } from './successor-seal.ts'

/** The session a token belongs to, and its user as the same read found them (what the refresh then checks and signs). */
interface TokenSession {
  sessionId: string
  userId: string
  user: User
}

export type RotationResult =
  | ({ kind: 'rotated'; refreshToken: string; proof: SessionProof } & TokenSession)
  | { kind: 'unknown' }
  | ({ kind: 'revoked' } & TokenSession)
  | ({ kind: 'expired' } & TokenSession)
  | ({ kind: 'reused' } & TokenSession)

/** A chain longer than this within one grace window is not tabs racing; it is treated as reuse. */
const LONGEST_GRACE_CHAIN = 32

interface TokenRow {
  id: string
  rotated_at: number | null
  successor: string | null
}

/**
 * The presented token with its session and the session's user, in one read: all a refresh needs before it writes. Built and
 * compiled once per database (Kysely spent about 40 us compiling it on every refresh).
 */
const presentedQuery = precompiledQuery((db, p: { tokenHash: string }) =>
  db
    .selectFrom('refresh_tokens as t')
    .innerJoin('sessions as s', 's.id', 't.session_id')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .selectAll('u')
    .select([
      't.id as token_id',
      't.rotated_at',
      't.successor',
      's.id as session_id',
      's.revoked_at',
      's.expires_at',
      's.last_used_at',
      's.amr',
      's.auth_time',
      's.created_at as session_created_at',
    ])
    .where('t.token_hash', '=', p.tokenHash),
)

function findPresented(db: Kysely<Database>, token: string) {
  return presentedQuery.executeTakeFirst(db, { tokenHash: hashRefreshToken(token) })
}

/** A token of the chain, by the token itself: the steps after the presented one. */
function findToken(db: Kysely<Database>, token: string): Promise<TokenRow | undefined> {
  return db.selectFrom('refresh_tokens').select(['id', 'rotated_at', 'successor']).where('token_hash', '=', hashRefreshToken(token)).executeTakeFirst()
}

function tokenRow(db: Kysely<Database>, id: string): Promise<TokenRow | undefined> {
  return db.selectFrom('refresh_tokens').select(['id', 'rotated_at', 'successor']).where('id', '=', id).executeTakeFirst()
}

/**
 * Spends the token once: marks it rotated with its sealed successor and stores the successor, in one transaction. Of several
 * requests racing for one token exactly one wins; the others find it spent and follow it to the same successor.
 */
async function spend(db: Kysely<Database>, tokenId: string, presented: string, sessionId: string, now: number): Promise<string | undefined> {
  const successor = generateRefreshToken()
  const won = await db.transaction().execute(async (trx) => {
    const claimed = await trx
      .updateTable('refresh_tokens')
      .set({ rotated_at: now, successor: sealSuccessor(successor, presented, tokenId) })
      .where('id', '=', tokenId)
      .where('rotated_at', 'is', null)
      .executeTakeFirst()
    if (Number(claimed.numUpdatedRows) === 0) return false
    await trx
      .insertInto('refresh_tokens')
      .values({ id: newId(), session_id: sessionId, token_hash: hashRefreshToken(successor), created_at: now, rotated_at: null, successor: null })
      .execute()
    await trx.updateTable('sessions').set({ last_used_at: now }).where('id', '=', sessionId).execute()
    return true
  })
  return won ? successor : undefined
}

/** From a spent token to the session's live one, opening each link's seal with the token before it. */
async function liveSuccessorOf(db: Kysely<Database>, spent: TokenRow, presented: string): Promise<string | undefined> {
  let row = spent
  let token = presented
  for (let step = 0; step < LONGEST_GRACE_CHAIN; step++) {
    if (row.successor === null) return undefined
    const next = openSuccessor(row.successor, token, row.id)
    if (next === undefined) return undefined
    const nextRow = await findToken(db, next)
    if (!nextRow) return undefined
    if (nextRow.rotated_at === null) return next
    row = nextRow
    token = next
  }
  return undefined
}

export async function rotateRefreshToken(db: Kysely<Database>, presented: string, policy: SessionPolicy, now: number): Promise<RotationResult> {
  const found = await findPresented(db, presented)
  if (!found) return { kind: 'unknown' }
  const { token_id, rotated_at, successor, session_id, revoked_at, expires_at, last_used_at, amr, auth_time, session_created_at, ...user } = found
  const session: TokenSession = { sessionId: session_id, userId: user.id, user }
  const state = sessionState({ revoked_at, expires_at, last_used_at }, now, policy)
  if (state === 'revoked') return { kind: 'revoked', ...session }
  if (state === 'expired') {
    await revokeSession(db, session_id, 'idle', now, policy.accessTokenTtl)
    return { kind: 'expired', ...session }
  }

  const proof = proofOf({ amr, auth_time, created_at: session_created_at })
  let spent: TokenRow = { id: token_id, rotated_at, successor }
  if (spent.rotated_at === null) {
    const next = await spend(db, spent.id, presented, session_id, now)
    if (next !== undefined) return { kind: 'rotated', ...session, refreshToken: next, proof }
    // Another request spent it between our read and our write: from here on it is a spent token like any other.
    spent = (await tokenRow(db, spent.id)) ?? spent
  }
  const rotatedAt = spent.rotated_at ?? now
  if (now - rotatedAt > policy.reuseGraceMs) {
    await revokeSession(db, session_id, 'reuse', now, policy.accessTokenTtl)
    return { kind: 'reused', ...session }
  }
  const live = await liveSuccessorOf(db, spent, presented)
  // Within the window the holder gets the session's one live token; a chain that cannot be followed is not ours to extend.
  if (live === undefined) {
    await revokeSession(db, session_id, 'reuse', now, policy.accessTokenTtl)
    return { kind: 'reused', ...session }
  }
  return { kind: 'rotated', ...session, refreshToken: live, proof }
}

/** Forgets the sealed successors of tokens spent longer ago than the grace window: past it they can only mean reuse. */
export async function forgetSpentSuccessors(db: Kysely<Database>, policy: SessionPolicy, now: number): Promise<void> {
  await db
    .updateTable('refresh_tokens')
    .set({ successor: null })
    .where('rotated_at', '<', now - policy.reuseGraceMs)
    .where('successor', 'is not', null)
    .execute()
}
