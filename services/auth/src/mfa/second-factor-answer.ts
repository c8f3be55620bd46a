// A code from the authenticator app, one recovery code or a passkey, given as the second proof of a user (the sign-in's
// second step, a re-authentication): checked under a back-off of its own, which a right password does not clear, each code taken once;
// a recovery code used is audited and mailed, so its owner learns of it.
import { mailRecoveryCodeUsed } from '@portcullis/shared/accounts/account-mails'
import { recordAuditEvent } from '@portcullis/shared/audit/record'
import type { User } from '@portcullis/shared/db/schema'
import { fieldProblem, validationFailed } from '@portcullis/shared/errors'
import { AMR } from '@portcullis/shared/mfa/amr'
import { recoveryCodesLeft } from '@portcullis/shared/mfa/status'
import type { RequestOrigin } from '@portcullis/shared/request-origin'
import type { PasskeyAssertion } from '@portcullis/shared/api/passkeys'
import { InvalidCode, PasskeyInvalid, tooManyAttempts } from '../errors.ts'
import { keyWrapping } from '@portcullis/shared/keys/private-key-wrapping'
import { verifyAssertion } from '../passkeys/assertion.ts'
import type { AuthContext } from '../plugins/app/context.ts'
import { recordLoginFailure, secondsUntilAllowed, throttleKeys } from '../throttle/login-throttle.ts'
import { takeRecoveryCode } from './recovery-codes.ts'
import { acceptedStep } from './totp.ts'
import { findTotpFactor, markStepUsed } from './totp-factor.ts'

export interface SecondFactorAnswer {
  code?: string | undefined
  recoveryCode?: string | undefined
  passkey?: PasskeyAssertion | undefined
}

export type SecondFactorMethod = 'totp' | 'recovery_code' | 'passkey'

/** How the user proved themselves with the password and this answer, as OpenID's amr says it (a recovery code is an otp too). */
export const SECOND_FACTOR_AMR: Record<SecondFactorMethod, string[]> = {
  totp: [AMR.password, AMR.oneTimeCode],
  recovery_code: [AMR.password, AMR.oneTimeCode],
  passkey: [AMR.password, AMR.passkey],
}

/** Which answer was given; a 422 at `code` when none was. */
export function secondFactorMethod(answer: SecondFactorAnswer): SecondFactorMethod {
  if (answer.code !== undefined) return 'totp'
  if (answer.recoveryCode !== undefined) return 'recovery_code'
  if (answer.passkey !== undefined) return 'passkey'
  throw validationFailed([fieldProblem('code', 'is required: the code from your authenticator app, a recovery code, or a passkey', 'required', 'A code')])
}

/** The back-off keys of second factors: per (account, network) and per network, apart from the password's. */
function secondFactorKeys(userId: string, ip: string) {
  return throttleKeys({ login: `second-factor:${userId}` }, ip)
}

export interface SecondFactorCheck {
  /** What a passkey's challenge was handed out for: the sign-in's second step (the default) or a re-authentication. */
  passkeyPurpose?: 'second_factor' | 'reauthenticate'
  /** Runs before a wrong answer is counted (the sign-in ticket wears out). */
  onWrong?: () => Promise<void>
  /** Added to the login_failed event of a wrong answer. */
  detail?: Record<string, unknown>
}

/**
 * Takes the answer for `user` or throws: too_many_attempts while the back-off holds, invalid_code or passkey_invalid
 * (counted and audited as a failed login) when it is wrong or already used. Returns the method that was taken.
 */
export async function takeSecondFactor(
  auth: AuthContext,
  user: User,
  answer: SecondFactorAnswer,
  origin: RequestOrigin,
  check: SecondFactorCheck = {},
): Promise<SecondFactorMethod> {
  const method = secondFactorMethod(answer)
  const now = auth.now()
  const keys = secondFactorKeys(user.id, origin.ip)
  const wait = await secondsUntilAllowed(auth.db, keys, now)
  if (wait > 0) throw tooManyAttempts(wait)
  const accepted = await takeAnswer(auth, user.id, answer, check.passkeyPurpose ?? 'second_factor', now)
  if (!accepted) {
    await check.onWrong?.()
    await recordLoginFailure(auth.db, keys, auth.throttleRules, now)
    await recordAuditEvent(
      auth.db,
      { type: 'login_failed', userId: user.id, ip: origin.ip, userAgent: origin.userAgent, detail: { reason: `wrong_${method}`, ...check.detail } },
      now,
    )
    throw method === 'passkey' ? new PasskeyInvalid() : new InvalidCode()
  }
  return method
}

async function takeAnswer(
  auth: AuthContext,
  userId: string,
  answer: SecondFactorAnswer,
  passkeyPurpose: 'second_factor' | 'reauthenticate',
  now: number,
): Promise<boolean> {
  if (answer.code !== undefined) return takeTotpCode(auth, userId, answer.code, now)
  if (answer.recoveryCode !== undefined) return takeRecoveryCode(auth.db, userId, answer.recoveryCode, now)
  if (answer.passkey === undefined) return false
  try {
    await verifyAssertion(auth, answer.passkey, passkeyPurpose, userId)
    return true
  } catch (error) {
    if (error instanceof PasskeyInvalid) return false
    throw error
  }
}

/** After a recovery code was taken: the audit event, and a mail when the user has an address; true when one was queued. */
export async function noteRecoveryCodeUsed(auth: AuthContext, user: User, origin: RequestOrigin): Promise<boolean> {
  const now = auth.now()
  const left = await recoveryCodesLeft(auth.db, user.id)
  await recordAuditEvent(
    auth.db,
    { type: 'recovery_code_used', userId: user.id, actorId: user.id, ip: origin.ip, userAgent: origin.userAgent, detail: { left } },
    now,
  )
  if (!user.email) return false
  await mailRecoveryCodeUsed(auth.db, auth.authConfig, user, user.email, left, now)
  return true
}

async function takeTotpCode(auth: AuthContext, userId: string, code: string, now: number): Promise<boolean> {
  const factor = await findTotpFactor(auth.db, userId, keyWrapping(auth.authConfig))
  if (!factor?.confirmed) return false
  const step = acceptedStep(factor.secret, code, factor.lastUsedStep, now)
  return step !== null && (await markStepUsed(auth.db, userId, step, factor.lastUsedStep, now))
}
