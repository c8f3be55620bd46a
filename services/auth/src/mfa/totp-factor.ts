// A user's authenticator app as stored: its secret wrapped with KEY_ENCRYPTION_KEY (when one is set, as the signing keys
// are, the user id as associated data), set up first and in force once a first code confirms it.
import type { Kysely } from 'kysely'
import type { Database } from '@portcullis/shared/db/schema'
import { type KeyWrapping, unwrapPrivateKey, wrapPrivateKey } from '@portcullis/shared/keys/private-key-wrapping'

export interface TotpFactor {
  secret: string
  confirmed: boolean
  lastUsedStep: number | null
}

const associated = (userId: string) => `totp:${userId}`

export async function findTotpFactor(db: Kysely<Database>, userId: string, wrapping: KeyWrapping): Promise<TotpFactor | undefined> {
  const row = await db.selectFrom('totp_factors').selectAll().where('user_id', '=', userId).executeTakeFirst()
  if (!row) return undefined
  return {
    secret: unwrapPrivateKey(row.secret, associated(userId), wrapping),
    confirmed: row.confirmed_at !== null,
    lastUsedStep: row.last_used_step === null ? null : Number(row.last_used_step),
  }
}

/** A new secret waiting for its first code, replacing one that was set up and never confirmed. */
export async function saveUnconfirmedTotp(db: Kysely<Database>, userId: string, secret: string, wrapping: KeyWrapping, now: number): Promise<void> {
  await db.deleteFrom('totp_factors').where('user_id', '=', userId).where('confirmed_at', 'is', null).execute()
  await db
    .insertInto('totp_factors')
    .values({ user_id: userId, secret: wrapPrivateKey(secret, associated(userId), wrapping), created_at: now, confirmed_at: null, last_used_step: null })
    .execute()
}

/** Records the step of a code just taken (and confirms the factor); false when another request took a code of it first. */
export async function markStepUsed(db: Kysely<Database>, userId: string, step: number, previous: number | null, now: number): Promise<boolean> {
  let query = db.updateTable('totp_factors').set({ last_used_step: step }).where('user_id', '=', userId)
  query = previous === null ? query.where('last_used_step', 'is', null) : query.where('last_used_step', '=', previous)
  const result = await query.executeTakeFirst()
  if (result.numUpdatedRows === 0n) return false
  await db.updateTable('totp_factors').set({ confirmed_at: now }).where('user_id', '=', userId).where('confirmed_at', 'is', null).execute()
  return true
}

export async function deleteTotpFactor(db: Kysely<Database>, userId: string): Promise<void> {
  await db.deleteFrom('totp_factors').where('user_id', '=', userId).execute()
}
