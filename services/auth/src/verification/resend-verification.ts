// Sending the verification link again: to the address an email change waits for, else to the account's unproven address;
// nothing when there is nothing to prove, when EMAIL_VERIFICATION=off, or when the account was sent links recently. The
// caller is the signed-in user, or, for an account that may not sign in yet, anyone naming it: both get the same answer.
import { mailVerificationLink } from '@portcullis/shared/accounts/account-mails'
import { recordAuditEvent } from '@portcullis/shared/audit/record'
import type { User } from '@portcullis/shared/db/schema'
import type { RequestOrigin } from '@portcullis/shared/request-origin'
import type { AuthContext } from '../plugins/app/context.ts'
import { countMailRequest, mayMailAccount } from '../throttle/mail-throttle.ts'

/** The address a verification link would prove for this user now, if any. */
export function addressToVerify(user: Pick<User, 'email' | 'email_verified_at' | 'pending_email'>): string | null {
  if (user.pending_email) return user.pending_email
  return user.email !== null && user.email_verified_at === null ? user.email : null
}

/** Returns whether a mail was written. */
export async function resendVerification(auth: AuthContext, user: User | undefined, origin: RequestOrigin): Promise<boolean> {
  const now = auth.now()
  await countMailRequest(auth.db, 'verify', origin.ip, now)
  if (!user || user.status !== 'active' || auth.authConfig.emailVerification === 'off') return false
  const email = addressToVerify(user)
  if (email === null || !(await mayMailAccount(auth.db, 'verify', user.id, now))) return false
  await auth.db.transaction().execute(async (trx) => {
    await mailVerificationLink(trx, auth.authConfig, user, email, now)
    await recordAuditEvent(trx, { type: 'email_verification_sent', userId: user.id, ip: origin.ip, userAgent: origin.userAgent }, now)
  })
  return true
}
