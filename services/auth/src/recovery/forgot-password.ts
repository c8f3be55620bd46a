// "Forgot password": a reset link to the account's address when the login names an active account that has one, and the
// same answer, after the same time, when it does not. The network's requests are counted (429 for all alike); an account
// that was sent links recently is silently sent no more for a while.
import { mailPasswordLink } from '@portcullis/shared/accounts/account-mails'
import { recordAuditEvent } from '@portcullis/shared/audit/record'
import type { RequestOrigin } from '@portcullis/shared/request-origin'
import type { AuthContext } from '../plugins/app/context.ts'
import { countMailRequest, mayMailAccount } from '../throttle/mail-throttle.ts'
import { findUserByLogin } from '../users/queries.ts'

/** Every answer waits until this long after the request came in, so that a mail written and none take the same time. */
export const FORGOT_ANSWER_FLOOR_MS = 250

/** Returns whether a mail was written (for the caller to wake the sender; never for the answer). */
export async function forgotPassword(auth: AuthContext, login: string, origin: RequestOrigin): Promise<boolean> {
  const now = auth.now()
  await countMailRequest(auth.db, 'reset', origin.ip, now)
  const user = await findUserByLogin(auth.db, login)
  if (!user || user.status !== 'active' || !user.email) return false
  const email = user.email
  if (!(await mayMailAccount(auth.db, 'reset', user.id, now))) return false
  await auth.db.transaction().execute(async (trx) => {
    await mailPasswordLink(trx, auth.authConfig, user, email, 'reset', now)
    await recordAuditEvent(trx, { type: 'password_reset_requested', userId: user.id, ip: origin.ip, userAgent: origin.userAgent }, now)
  })
  return true
}
