// An admin sends a user a password-reset link (to the account's address, as "forgot password" would), audited with the admin.
import type { Kysely } from 'kysely'
import { mailPasswordLink } from '@portcullis/shared/accounts/account-mails'
import { recordAuditEvent } from '@portcullis/shared/audit/record'
import type { Database } from '@portcullis/shared/db/schema'
import { NotFound } from '@portcullis/shared/errors'
import type { LinkConfig } from '@portcullis/shared/settings/links'
import { NoEmail, UserDisabled } from '../errors.ts'
import type { Actor } from './actor.ts'

export async function sendResetLink(db: Kysely<Database>, links: LinkConfig, userId: string, actor: Actor, now: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const user = await trx.selectFrom('users').select(['id', 'username', 'email', 'status']).where('id', '=', userId).executeTakeFirst()
    if (!user) throw new NotFound()
    if (!user.email) throw new NoEmail()
    if (user.status !== 'active') throw new UserDisabled()
    await mailPasswordLink(trx, links, user, user.email, 'reset', now)
    await recordAuditEvent(trx, { type: 'password_reset_link_sent', userId: user.id, actorId: actor.userId, ip: actor.ip, userAgent: actor.userAgent }, now)
  })
}
