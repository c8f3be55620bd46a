// The challenges handed out for passkey ceremonies: random (made by @simplewebauthn/server), stored as SHA-256 with what
// they are for and for whom, five minutes, spent by the first answer that verifies (one conditional DELETE, so of two
// good answers at once only one counts; a wrong answer does not spend it, so the user can try another passkey). The
// browser's answer names its challenge in clientDataJSON, so the answer itself finds it: no other ticket travels with it.
import { createHash } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { Database, PasskeyPurpose } from '@portcullis/shared/db/schema'
import { newId } from '@portcullis/shared/ids'

export const PASSKEY_CHALLENGE_TTL_MS = 5 * 60_000

export interface PendingChallenge {
  id: string
  challenge: string
  userId: string | null
}

function challengeHash(challenge: string): string {
  return createHash('sha256').update(challenge).digest('hex')
}

export async function saveChallenge(db: Kysely<Database>, challenge: string, purpose: PasskeyPurpose, userId: string | null, now: number): Promise<void> {
  await db
    .insertInto('passkey_challenges')
    .values({ id: newId(), challenge_hash: challengeHash(challenge), user_id: userId, purpose, created_at: now, expires_at: now + PASSKEY_CHALLENGE_TTL_MS })
    .execute()
}

/** The challenge a browser's clientDataJSON (base64url) names, if it is one of ours; undefined for anything unreadable. */
export function challengeOf(clientDataJSON: string): string | undefined {
  try {
    const clientData: unknown = JSON.parse(Buffer.from(clientDataJSON, 'base64url').toString('utf8'))
    const challenge = (clientData as { challenge?: unknown }).challenge
    return typeof challenge === 'string' && challenge.length > 0 && challenge.length <= 256 ? challenge : undefined
  } catch {
    return undefined
  }
}

/** The challenge the answer names, if it was handed out for `purpose`, is not spent and has not expired. */
export async function findChallenge(db: Kysely<Database>, clientDataJSON: string, purpose: PasskeyPurpose, now: number): Promise<PendingChallenge | undefined> {
  const challenge = challengeOf(clientDataJSON)
  if (!challenge) return undefined
  const row = await db
    .selectFrom('passkey_challenges')
    .select(['id', 'user_id'])
    .where('challenge_hash', '=', challengeHash(challenge))
    .where('purpose', '=', purpose)
    .where('expires_at', '>', now)
    .executeTakeFirst()
  return row ? { id: row.id, challenge, userId: row.user_id } : undefined
}

/** Spends a challenge an answer verified against; false when another answer spent it first. */
export async function spendChallenge(db: Kysely<Database>, challenge: Pick<PendingChallenge, 'id'>): Promise<boolean> {
  const spent = await db.deleteFrom('passkey_challenges').where('id', '=', challenge.id).executeTakeFirst()
  return spent.numDeletedRows > 0n
}

export async function prunePasskeyChallenges(db: Kysely<Database>, now: number): Promise<void> {
  await db.deleteFrom('passkey_challenges').where('expires_at', '<', now).execute()
}
