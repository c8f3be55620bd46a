// Re-authentication (step-up): the signed-in user proves themselves again on the session they hold, with the password under
// the login back-off and, when they have a second factor, a code from the app or a recovery code under its own back-off;
// or with one of their passkeys alone (user verification required, as to sign in with one). The session's auth_time and
// amr then say now, so its next access tokens (refreshed ones too) pass recent-auth checks.
import { recordAuditEvent } from '@portcullis/shared/audit/record'
import type { SessionMode, User } from '@portcullis/shared/db/schema'
import { fieldProblem, ValidationFailed, validationFailed } from '@portcullis/shared/errors'
import { AMR } from '@portcullis/shared/mfa/amr'
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
import { type SessionProof, sessionMode } from './create.ts'

export interface ReauthenticationProof extends SecondFactorAnswer {
  password?: string | undefined
}

export interface Reauthenticated {
  user: User
  /** The session's proof as it now stands, for its new access token. */
  proof: SessionProof
  /** A recovery code was used and its mail queued. */
  mailed: boolean
  /** The session's mode: a cookie session's access cookie gets the new token too. */
  mode: SessionMode
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
  const { method, amr } = given.passkey !== undefined ? await provenByPasskey(auth, user, given, origin) : await provenByPassword(auth, user, given, origin)

  const now = auth.now()
  const proof: SessionProof = { amr, authTime: now }
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
  return { user, proof, mailed, mode: (await sessionMode(auth.db, principal.sessionId)) ?? 'token' }
}

/** A passkey alone, as it signs in alone: amr hwk. The password is not asked for, so it is refused when sent along. */
async function provenByPasskey(auth: AuthContext, user: User, given: ReauthenticationProof, origin: RequestOrigin) {
  if (given.password !== undefined || given.code !== undefined || given.recoveryCode !== undefined) {
    throw validationFailed([fieldProblem('passkey', 'confirms it is you on its own: send it without a password or a code', 'alone', 'A passkey')])
  }
  const method = await takeSecondFactor(auth, user, { passkey: given.passkey }, origin, { detail: AUDIT_DETAIL, passkeyPurpose: 'reauthenticate' })
  return { method, amr: [AMR.passkey] }
}

/** The password, and with a second factor a code (or recovery code) too; as at sign-in, "pwd" and that factor's amr. */
async function provenByPassword(
  auth: AuthContext,
  user: User,
  given: ReauthenticationProof,
  origin: RequestOrigin,
): Promise<{ method: SecondFactorMethod | undefined; amr: string[] }> {
  if (given.password === undefined) {
    throw validationFailed([fieldProblem('password', 'is required (or confirm with one of your passkeys)', 'required')])
  }
  const secondFactor = await hasSecondFactor(auth.db, user.id)
  // Asked for before the password is tried, so a missing code does not spend an attempt.
  if (secondFactor) secondFactorMethod(given)
  await confirmPassword(auth, user, given.password, origin)
  const method = secondFactor ? await takeSecondFactor(auth, user, given, origin, { detail: AUDIT_DETAIL }) : undefined
  return { method, amr: method ? SECOND_FACTOR_AMR[method] : [AMR.password] }
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
