// The signed-in user's current password, asked again before a sensitive change (a new password, turning two-step
// verification off): checked under the login back-off rules, a wrong one counting as a failed login.
import type { User } from '@portcullis/shared/db/schema'
import { fieldProblem, validationFailed } from '@portcullis/shared/errors'
import type { RequestOrigin } from '@portcullis/shared/request-origin'
import { tooManyAttempts } from '../errors.ts'
import type { AuthContext } from '../plugins/app/context.ts'
import { recordLoginFailure, secondsUntilAllowed, throttleKeys } from '../throttle/login-throttle.ts'

/** Throws too_many_attempts while the back-off holds, or a validation problem at `field` when the password is wrong. */
export async function confirmCurrentPassword(auth: AuthContext, user: User, password: string, field: string, origin: RequestOrigin): Promise<void> {
  const now = auth.now()
  const keys = throttleKeys({ userId: user.id }, origin.ip)
  const wait = await secondsUntilAllowed(auth.db, keys, now)
  if (wait > 0) throw tooManyAttempts(wait)
  if (!(await auth.passwords.verify(user.password_hash, password))) {
    await recordLoginFailure(auth.db, keys, auth.throttleRules, now)
    throw validationFailed([fieldProblem(field, 'is not your current password', 'wrong_password', 'That')])
  }
}
