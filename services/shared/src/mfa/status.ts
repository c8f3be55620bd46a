// Whether a user has a second factor in force, and how many recovery codes are left: what auth asks at sign-in and for
// the profile, and what the admin console shows. An authenticator app counts once a first code has confirmed it.
import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.ts'

export interface SecondFactorStatus {
  totp: boolean
  recovery_codes_left: number
}

export async function hasConfirmedTotp(db: Kysely<Database>, userId: string): Promise<boolean> {
  const row = await db.selectFrom('totp_factors').select('user_id').where('user_id', '=', userId).where('confirmed_at', 'is not', null).executeTakeFirst()
  return row !== undefined
}

export async function recoveryCodesLeft(db: Kysely<Database>, userId: string): Promise<number> {
  const row = await db
    .selectFrom('recovery_codes')
    .select((eb) => eb.fn.countAll<number>().as('left'))
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .executeTakeFirst()
  return Number(row?.left ?? 0)
}

export async function secondFactorStatus(db: Kysely<Database>, userId: string): Promise<SecondFactorStatus> {
  const totp = await hasConfirmedTotp(db, userId)
  return { totp, recovery_codes_left: totp ? await recoveryCodesLeft(db, userId) : 0 }
}
