// Signing up: a new account with the user role, its name not posing as an admin or a reserved name, its password under the
// policy (and matching its confirmation when one is sent), with a `signup` audit row; a verification link to its address
// unless EMAIL_VERIFICATION=off (and with `required`, an address it must have).
import { mailVerificationLink } from '@portcullis/shared/accounts/account-mails'
import type { SignupRequest } from '@portcullis/shared/api/auth'
import { recordAuditEvent } from '@portcullis/shared/audit/record'
import type { User } from '@portcullis/shared/db/schema'
import { type FieldError, fieldProblem, validationFailed } from '@portcullis/shared/errors'
import type { RequestOrigin } from '@portcullis/shared/request-origin'
import { adminUsernames } from '@portcullis/shared/users/admin-usernames'
import { lookalikeMessage, lookalikeProblem } from '@portcullis/shared/users/lookalike-names'
import { newPasswordProblems, passwordPolicy } from '../passwords/policy.ts'
import type { AuthContext } from '../plugins/app/context.ts'
import { insertUser } from '@portcullis/shared/users/new-user'

export async function signUp(auth: AuthContext, request: SignupRequest, origin: RequestOrigin): Promise<User> {
  const { username, password, confirm_password, email } = request
  const problems: FieldError[] = []
  const lookalike = lookalikeProblem(username, await adminUsernames(auth.db), { asPart: true })
  if (lookalike) problems.push(fieldProblem('username', lookalikeMessage(lookalike), lookalike.kind === 'reserved' ? 'reserved' : 'lookalike'))
  problems.push(...newPasswordProblems('password', password, passwordPolicy(auth.authConfig), { username, email }))
  if (auth.authConfig.emailVerification === 'required' && !email) {
    problems.push(fieldProblem('email', 'is required: every account proves its address before it signs in', 'required'))
  }
  if (confirm_password !== undefined && confirm_password !== password) {
    problems.push(fieldProblem('confirm_password', 'does not match the password', 'mismatch', 'The confirmation'))
  }
  if (problems.length > 0) throw validationFailed(problems)

  const now = auth.now()
  const passwordHash = await auth.passwords.hash(password)
  return auth.db.transaction().execute(async (trx) => {
    const user = await insertUser(trx, { username, email: email ?? null, passwordHash, role: 'user' }, now)
    await recordAuditEvent(trx, { type: 'signup', userId: user.id, actorId: user.id, ip: origin.ip, userAgent: origin.userAgent }, now)
    if (user.email && auth.authConfig.emailVerification !== 'off') await mailVerificationLink(trx, auth.authConfig, user, user.email, now)
    return user
  })
}
