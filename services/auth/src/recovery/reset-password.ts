// Setting a new password from a reset (or invitation) link: the link's token taken once, the password under the usual
// policy, every session of the account ended, its failed logins forgotten, its address counted as proven (the link went
// there), and a "your password was changed" notice — all in one transaction.
import { mailPasswordChanged } from '@portcullis/shared/accounts/account-mails'
import { peekLinkToken, takeLinkToken } from '@portcullis/shared/accounts/link-tokens'
import { recordAuditEvent } from '@portcullis/shared/audit/record'
import { InvalidLink, validationFailed } from '@portcullis/shared/errors'
import type { RequestOrigin } from '@portcullis/shared/request-origin'
import { revokeUserSessions } from '@portcullis/shared/sessions/revoke'
import { newPasswordProblems, passwordPolicy } from '../passwords/policy.ts'
import type { AuthContext } from '../plugins/app/context.ts'
import { clearAllAccountFailures } from '../throttle/login-throttle.ts'
import { findUserById } from '../users/queries.ts'

const PASSWORD_PURPOSES: ['reset', 'invite'] = ['reset', 'invite']

export async function resetPassword(auth: AuthContext, token: string, newPassword: string, origin: RequestOrigin): Promise<void> {
  const link = await peekLinkToken(auth.db, token, PASSWORD_PURPOSES, auth.now())
  const user = link ? await findUserById(auth.db, link.userId) : undefined
  if (!link || !user || user.status !== 'active') throw new InvalidLink()
  const problems = newPasswordProblems('new_password', newPassword, passwordPolicy(auth.authConfig), { username: user.username, email: user.email })
  if (problems.length > 0) throw validationFailed(problems)
  const passwordHash = await auth.passwords.hash(newPassword)

  const now = auth.now()
  await auth.db.transaction().execute(async (trx) => {
    const taken = await takeLinkToken(trx, token, PASSWORD_PURPOSES, now)
    if (!taken || taken.userId !== user.id) throw new InvalidLink()
    const proven = user.email !== null && taken.email === user.email && user.email_verified_at === null
    await trx
      .updateTable('users')
      .set({ password_hash: passwordHash, password_changed_at: now, updated_at: now, ...(proven ? { email_verified_at: now } : {}) })
      .where('id', '=', user.id)
      .execute()
    const revoked = await revokeUserSessions(trx, user.id, 'password_changed', now, auth.authConfig.accessTokenTtl)
    await clearAllAccountFailures(trx, user.id)
    await recordAuditEvent(
      trx,
      {
        type: 'password_reset',
        userId: user.id,
        actorId: user.id,
        ip: origin.ip,
        userAgent: origin.userAgent,
        detail: { sessions_revoked: revoked, by: taken.purpose === 'invite' ? 'invitation' : 'reset_link' },
      },
      now,
    )
    if (user.email) await mailPasswordChanged(trx, auth.authConfig, user, user.email, now)
  })
}
