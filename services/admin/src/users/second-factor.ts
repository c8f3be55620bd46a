// An admin's view of a user's second factor, and the reset that recovers a user who lost both their authenticator app
// and their recovery codes: both removed in one transaction with its audit row and a mail to the user.
import type { Kysely } from 'kysely'
import { mailMfaReset } from '@portcullis/shared/accounts/account-mails'
import { recordAuditEvent } from '@portcullis/shared/audit/record'
import type { Database } from '@portcullis/shared/db/schema'
import { NotFound } from '@portcullis/shared/errors'
import { type SecondFactorStatus, secondFactorStatus } from '@portcullis/shared/mfa/status'
import type { LinkConfig } from '@portcullis/shared/settings/links'
import { NoSecondFactor } from '../errors.ts'
import type { Actor } from './actor.ts'

export async function userFactors(db: Kysely<Database>, userId: string): Promise<SecondFactorStatus> {
  const user = await db.selectFrom('users').select('id').where('id', '=', userId).executeTakeFirst()
  if (!user) throw new NotFound()
  return secondFactorStatus(db, userId)
}

/** Removes the app, the passkeys and the recovery codes; the user is told by mail when they have an address. */
export async function resetUserFactors(db: Kysely<Database>, links: LinkConfig, userId: string, actor: Actor, now: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const user = await trx.selectFrom('users').select(['id', 'username', 'email']).where('id', '=', userId).executeTakeFirst()
    if (!user) throw new NotFound()
    const apps = await trx.deleteFrom('totp_factors').where('user_id', '=', userId).executeTakeFirst()
    const passkeys = await trx.deleteFrom('passkeys').where('user_id', '=', userId).executeTakeFirst()
    if (apps.numDeletedRows === 0n && passkeys.numDeletedRows === 0n) throw new NoSecondFactor()
    await trx.deleteFrom('recovery_codes').where('user_id', '=', userId).execute()
    await recordAuditEvent(trx, { type: 'mfa_reset', userId, actorId: actor.userId, ip: actor.ip, userAgent: actor.userAgent }, now)
    if (user.email) await mailMfaReset(trx, links, user, user.email, now)
  })
}
