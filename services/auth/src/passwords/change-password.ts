// Changing a signed-in user's password: the current one checked under the login back-off rules (a wrong one counts as a
// failed login), the new one under the password policy, then every other session of the user ends.
import type { User } from '@portcullis/shared/db/schema'
import { recordAuditEvent } from '@portcullis/shared/audit/record'
import { fieldProblem, validationFailed } from '@portcullis/shared/errors'
import type { RequestOrigin } from '@portcullis/shared/request-origin'
import { revokeUserSessions } from '@portcullis/shared/sessions/revoke'
import type { AuthContext } from '../plugins/app/context.ts'
import { setPasswordHash } from '../users/queries.ts'
import { confirmCurrentPassword } from './current-password.ts'
import { newPasswordProblems, passwordPolicy } from './policy.ts'

export interface PasswordChange {
  current: string
  next: string
  /** The session asking, which stays signed in. */
  sessionId: string
}

export async function changePassword(auth: AuthContext, user: User, change: PasswordChange, origin: RequestOrigin): Promise<void> {
  await confirmCurrentPassword(auth, user, change.current, 'current_password', origin)
  const now = auth.now()
  const problems = newPasswordProblems('new_password', change.next, passwordPolicy(auth.authConfig), { username: user.username, email: user.email })
  if (change.next === change.current) problems.push(fieldProblem('new_password', 'must differ from the current password', 'unchanged'))
  if (problems.length > 0) throw validationFailed(problems)

  await setPasswordHash(auth.db, user.id, await auth.passwords.hash(change.next), now, true)
  const revoked = await revokeUserSessions(auth.db, user.id, 'password_changed', now, auth.authConfig.accessTokenTtl, change.sessionId)
  await recordAuditEvent(
    auth.db,
    { type: 'password_changed', userId: user.id, actorId: user.id, ip: origin.ip, userAgent: origin.userAgent, detail: { other_sessions_revoked: revoked } },
    now,
  )
}
