// The revocation feed the gateway polls: revoked sessions, and users whose earlier access tokens are void.
import type { Kysely } from 'kysely'
import type { Database, RevocationKind } from '@portcullis/shared/db/schema'
import { newId } from '@portcullis/shared/ids'

export interface Revocation {
  kind: RevocationKind
  subject: string
  at: number
}

/** Entries live as long as an access token could: after that, the token itself has expired. */
export async function publishRevocations(
  db: Kysely<Database>,
  entries: Revocation[],
  accessTokenTtl: number,
): Promise<void> {
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

export async function revocationsSince(db: Kysely<Database>, since: number, now: number): Promise<Revocation[]> {
  return db
    .selectFrom('token_revocations')
    .select(['kind', 'subject', 'at'])
    .where('at', '>=', since)
    .where('expires_at', '>', now)
    .orderBy('at')
    .limit(10_000)
    .execute()
}

export async function pruneRevocations(db: Kysely<Database>, now: number): Promise<void> {
  await db.deleteFrom('token_revocations').where('expires_at', '<=', now).execute()
}
