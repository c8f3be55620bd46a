// Whether a user has a second factor in force, and which: what auth asks at sign-in and for the profile, what the admin
// service asks for its MFA_REQUIRED_FOR_ADMINS policy, and what the admin console shows. An authenticator app counts once a
// first code has confirmed it; a passkey counts once registered. Recovery codes exist while either does.
import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.ts'

export interface SecondFactorStatus {
  totp: boolean
  passkeys: number
  recovery_codes_left: number
}

export async function hasConfirmedTotp(db: Kysely<Database>, userId: string): Promise<boolean> {
  const row = await db.selectFrom('totp_factors').select('user_id').where('user_id', '=', userId).where('confirmed_at', 'is not', null).executeTakeFirst()
  return row !== undefined
}

export async function passkeyCount(db: Kysely<Database>, userId: string): Promise<number> {
  const row = await db
    .selectFrom('passkeys')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('user_id', '=', userId)
    .executeTakeFirst()
  return Number(row?.count ?? 0)
}

/** An authenticator app or at least one passkey: a password alone does not sign this user in. */
export async function hasSecondFactor(db: Kysely<Database>, userId: string): Promise<boolean> {
  return (await hasConfirmedTotp(db, userId)) || (await passkeyCount(db, userId)) > 0
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
  const passkeys = await passkeyCount(db, userId)
  return { totp, passkeys, recovery_codes_left: totp || passkeys > 0 ? await recoveryCodesLeft(db, userId) : 0 }
}
