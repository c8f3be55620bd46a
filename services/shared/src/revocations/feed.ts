// The revocation feed the gateway polls: revoked sessions, and users whose earlier access tokens are void.
import type { Kysely } from 'kysely'
import type { Database, RevocationKind } from '../db/schema.ts'
import { keysetAfter } from '../db/keyset.ts'
import { newId } from '../ids.ts'

export interface Revocation {
  kind: RevocationKind
  subject: string
  at: number
}

/** Entries live as long as an access token could: after that, the token itself has expired. */
export async function publishRevocations(db: Kysely<Database>, entries: Revocation[], accessTokenTtl: number): Promise<void> {
  if (entries.length === 0) return
  await db
    .insertInto('token_revocations')
    .values(
      entries.map((entry) => ({
        id: newId(),
        kind: entry.kind,
        subject: entry.subject,
        at: entry.at,
        expires_at: entry.at + (accessTokenTtl + 60) * 1000,
      })),
    )
    .execute()
}

/** Where a reader of the feed stands: everything before (at, id) read; `after` absent means nothing of `since` read yet. */
export interface FeedPosition {
  since: number
  after?: string | undefined
}

export interface FeedPage {
  revocations: Array<Revocation & { id: string }>
  hasMore: boolean
}

/** One page of live revocations from a position, in (at, id) order, so that a reader can go on exactly where it stopped. */
export async function revocationsSince(db: Kysely<Database>, position: FeedPosition, now: number, limit: number): Promise<FeedPage> {
  let query = db.selectFrom('token_revocations').select(['id', 'kind', 'subject', 'at']).where('expires_at', '>', now)
  query = position.after === undefined ? query.where('at', '>=', position.since) : query.where(keysetAfter('at', 'id', 'asc', position.since, position.after))
  const rows = await query
    .orderBy('at')
    .orderBy('id')
    .limit(limit + 1)
    .execute()
  return { revocations: rows.slice(0, limit).map((row) => ({ ...row, at: Number(row.at) })), hasMore: rows.length > limit }
}

export async function pruneRevocations(db: Kysely<Database>, now: number): Promise<void> {
  await db.deleteFrom('token_revocations').where('expires_at', '<=', now).execute()
}
