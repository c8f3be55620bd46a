// Opening a verification link: the token taken once; the address it proves becomes verified — the account's own address,
// or, for an email change, the new address, which then replaces the old one. A link for an address the account no longer
// has or waits for is refused like a used one.
import { takeLinkToken } from '@portcullis/shared/accounts/link-tokens'
import { recordAuditEvent } from '@portcullis/shared/audit/record'
import { isUniqueViolation } from '@portcullis/shared/db/handle'
import { EmailTaken, InvalidLink } from '@portcullis/shared/errors'
import type { RequestOrigin } from '@portcullis/shared/request-origin'
import type { AuthContext } from '../plugins/app/context.ts'
import { findUserById } from '../users/queries.ts'

export async function verifyEmail(auth: AuthContext, token: string, origin: RequestOrigin): Promise<void> {
  const now = auth.now()
  try {
    await auth.db.transaction().execute(async (trx) => {
      const taken = await takeLinkToken(trx, token, ['verify'], now)
      const user = taken ? await findUserById(trx, taken.userId) : undefined
      if (!taken || !user || taken.email === null) throw new InvalidLink()
      const change = taken.email === user.pending_email && taken.email !== user.email
      if (!change && taken.email !== user.email) throw new InvalidLink()
      await trx
        .updateTable('users')
        .set(change ? { email: taken.email, pending_email: null, email_verified_at: now, updated_at: now } : { email_verified_at: now, updated_at: now })
        .where('id', '=', user.id)
        .execute()
      await recordAuditEvent(
        trx,
        { type: 'email_verified', userId: user.id, actorId: user.id, ip: origin.ip, userAgent: origin.userAgent, detail: { changed: change } },
        now,
      )
    })
  } catch (error) {
    if (isUniqueViolation(error)) throw new EmailTaken()
    throw error
  }
}
