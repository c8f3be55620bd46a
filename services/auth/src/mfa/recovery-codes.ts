// Recovery codes: ten at a time, each 60 random bits as three groups of four (no 0/o, 1/l/i to misread), stored only as
// SHA-256 of their normalised form; a new set voids the old one; each is taken once by one conditional UPDATE.
import { createHash, randomInt } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { Database } from '@portcullis/shared/db/schema'
import { newId } from '@portcullis/shared/ids'
import { hasSecondFactor } from '@portcullis/shared/mfa/status'

export const RECOVERY_CODE_COUNT = 10
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789'

function newCode(): string {
  const characters = Array.from({ length: 12 }, () => ALPHABET[randomInt(ALPHABET.length)])
  return [0, 4, 8].map((start) => characters.slice(start, start + 4).join('')).join('-')
}

function codeHash(code: string): string {
  return createHash('sha256')
    .update(code.toLowerCase().replace(/[\s-]+/g, ''))
    .digest('hex')
}

/** A fresh set for the user, replacing any other; returns the codes, to be shown once. */
export async function replaceRecoveryCodes(db: Kysely<Database>, userId: string, now: number): Promise<string[]> {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newCode)
  await db.deleteFrom('recovery_codes').where('user_id', '=', userId).execute()
  await db
    .insertInto('recovery_codes')
    .values(codes.map((code) => ({ id: newId(), user_id: userId, code_hash: codeHash(code), created_at: now, used_at: null })))
    .execute()
  return codes
}

/** Takes one unused code of the user; false when it is not one (or was used). */
export async function takeRecoveryCode(db: Kysely<Database>, userId: string, code: string, now: number): Promise<boolean> {
  const taken = await db
    .updateTable('recovery_codes')
    .set({ used_at: now })
    .where('user_id', '=', userId)
    .where('code_hash', '=', codeHash(code))
    .where('used_at', 'is', null)
    .executeTakeFirst()
  return taken.numUpdatedRows > 0n
}

/** With no second factor left (no app, no passkey), the recovery codes go too; true when that happened. */
export async function dropCodesWithoutFactor(db: Kysely<Database>, userId: string): Promise<boolean> {
  if (await hasSecondFactor(db, userId)) return false
  await db.deleteFrom('recovery_codes').where('user_id', '=', userId).execute()
  return true
}
