// Re-authentication (step-up): the signed-in user proves themselves again on the session they hold, with the password under
// the login back-off and, when they have a second factor, a code from the app or a recovery code under its own back-off;
// the session's auth_time and amr then say now, so its next access tokens (refreshed ones too) pass recent-auth checks.
import { recordAuditEvent } from '@portcullis/shared/audit/record'
import type { User } from '@portcullis/shared/db/schema'
import { ValidationFailed } from '@portcullis/shared/errors'
import { hasSecondFactor } from '@portcullis/shared/mfa/status'
import type { RequestOrigin } from '@portcullis/shared/request-origin'
import { sessionIsLive } from '@portcullis/shared/sessions/liveness'
import type { Principal } from '@portcullis/shared/tokens/principal'
import { invalidToken } from '@portcullis/shared/tokens/refusals'
import { InvalidCredentials } from '../errors.ts'
import {
  noteRecoveryCodeUsed,
  SECOND_FACTOR_AMR,
  type SecondFactorAnswer,
  type SecondFactorMethod,
  secondFactorMethod,
  takeSecondFactor,
} from '../mfa/second-factor-answer.ts'
import { confirmCurrentPassword } from '../passwords/current-password.ts'
import type { AuthContext } from '../plugins/app/context.ts'
import { findUserById } from '../users/queries.ts'
import type { SessionProof } from './create.ts'

export interface ReauthenticationProof extends SecondFactorAnswer {
  password: string
}

export interface Reauthenticated {
  user: User
  /** The session's proof as it now stands, for its new access token. */
  proof: SessionProof
  /** A recovery code was used and its mail queued. */
  mailed: boolean
}

const AUDIT_DETAIL = { step: 'reauthenticate' }

export async function reauthenticate(
  auth: AuthContext,
  principal: Pick<Principal, 'userId' | 'sessionId'>,
  given: ReauthenticationProof,
  origin: RequestOrigin,
): Promise<Reauthenticated> {
  const user = await findUserById(auth.db, principal.userId)
  if (user?.status !== 'active') throw invalidToken()
  const secondFactor = await hasSecondFactor(auth.db, user.id)
  // Asked for before the password is tried, so a missing code does not spend an attempt.
  if (secondFactor) secondFactorMethod(given)
  await confirmPassword(auth, user, given.password, origin)
  let method: SecondFactorMethod | undefined
  if (secondFactor) method = await takeSecondFactor(auth, user, given, origin, { detail: AUDIT_DETAIL })

  const now = auth.now()
  // As at sign-in: a password alone is "pwd", with a second factor that factor's amr too.
  const proof: SessionProof = { amr: method ? SECOND_FACTOR_AMR[method] : ['pwd'], authTime: now }
  if (!(await recordSessionProof(auth, principal, proof))) throw invalidToken()
  await recordAuditEvent(
    auth.db,
    {
      type: 'reauthenticated',
      userId: user.id,
      actorId: user.id,
      ip: origin.ip,
      userAgent: origin.userAgent,
      detail: { session_id: principal.sessionId, amr: proof.amr, ...(method ? { second_factor: method } : {}) },
    },
    now,
  )
  const mailed = method === 'recovery_code' && (await noteRecoveryCodeUsed(auth, user, origin))
  return { user, proof, mailed }
}

/** The password under the login back-off (passwords/current-password.ts); a wrong one here is a failed sign-in: 401. */
async function confirmPassword(auth: AuthContext, user: User, password: string, origin: RequestOrigin): Promise<void> {
  try {
    await confirmCurrentPassword(auth, user, password, 'password', origin)
  } catch (error) {
    if (!(error instanceof ValidationFailed)) throw error
    await recordAuditEvent(
      auth.db,
      { type: 'login_failed', userId: user.id, ip: origin.ip, userAgent: origin.userAgent, detail: { reason: 'wrong_password', ...AUDIT_DETAIL } },
      auth.now(),
    )
    throw new InvalidCredentials()
  }
}

/** The session's new auth_time and amr, in one statement; false when it is no longer live (revoked meanwhile). */
async function recordSessionProof(auth: AuthContext, principal: Pick<Principal, 'userId' | 'sessionId'>, proof: SessionProof): Promise<boolean> {
  const result = await auth.db
    .updateTable('sessions')
    .set({ auth_time: proof.authTime, amr: proof.amr.join(',') })
    .where('id', '=', principal.sessionId)
    .where('user_id', '=', principal.userId)
    .where(sessionIsLive('sessions', auth.now(), auth.sessionPolicy))
    .executeTakeFirst()
  return result.numUpdatedRows > 0n
}
