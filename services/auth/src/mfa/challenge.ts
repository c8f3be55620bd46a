// The ticket of a sign-in waiting for its second step: 256 random bits, stored as SHA-256, five minutes, single use, and
// ended by a few wrong codes (the login back-off counts them too).
import { createHash, randomBytes } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { Database, SessionMode } from '@portcullis/shared/db/schema'
import { newId } from '@portcullis/shared/ids'

export const MFA_TICKET_TTL_MS = 5 * 60_000
/** Wrong codes a ticket survives; the next one ends it. */
export const MFA_TICKET_FAILURES = 5

export interface MfaTicket {
  id: string
  userId: string
  mode: SessionMode
}

function ticketHash(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}

export async function openMfaTicket(db: Kysely<Database>, userId: string, mode: SessionMode, now: number): Promise<string> {
  const token = randomBytes(32).toString('base64url')
  await db
    .insertInto('mfa_challenges')
    .values({
      id: newId(),
      user_id: userId,
      token_hash: ticketHash(token),
      mode,
      created_at: now,
      expires_at: now + MFA_TICKET_TTL_MS,
      failures: 0,
      used_at: null,
    })
    .execute()
  return token
}

/** The ticket if it is unused, unexpired and not worn out by wrong codes. */
export async function findMfaTicket(db: Kysely<Database>, token: string, now: number): Promise<MfaTicket | undefined> {
  const row = await db
    .selectFrom('mfa_challenges')
    .select(['id', 'user_id', 'mode'])
    .where('token_hash', '=', ticketHash(token))
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .where('failures', '<', MFA_TICKET_FAILURES)
    .executeTakeFirst()
  return row ? { id: row.id, userId: row.user_id, mode: row.mode } : undefined
}

/** Spends the ticket; false when another request spent it first. */
export async function spendMfaTicket(db: Kysely<Database>, ticketId: string, now: number): Promise<boolean> {
  const result = await db.updateTable('mfa_challenges').set({ used_at: now }).where('id', '=', ticketId).where('used_at', 'is', null).executeTakeFirst()
  return result.numUpdatedRows > 0n
}

export async function countWrongCode(db: Kysely<Database>, ticketId: string): Promise<void> {
  await db
    .updateTable('mfa_challenges')
    .set((eb) => ({ failures: eb('failures', '+', 1) }))
    .where('id', '=', ticketId)
    .execute()
}

export async function pruneMfaTickets(db: Kysely<Database>, now: number): Promise<void> {
  await db
    .deleteFrom('mfa_challenges')
    .where('expires_at', '<', now - 3_600_000)
    .execute()
}
