// The second step of a sign-in: the ticket from the password step and a code from the authenticator app, or one
// recovery code. Wrong codes wear the ticket out and count in the login back-off under a key of their own, which a
// right password does not clear, so codes cannot be guessed without limit by signing in again and again.
import { mailRecoveryCodeUsed } from '@portcullis/shared/accounts/account-mails'
import { recordAuditEvent } from '@portcullis/shared/audit/record'
import type { SessionMode, User } from '@portcullis/shared/db/schema'
import { fieldProblem, validationFailed } from '@portcullis/shared/errors'
import type { RequestOrigin } from '@portcullis/shared/request-origin'
import { InvalidCode, MfaTokenInvalid, tooManyAttempts } from '../errors.ts'
import { keyWrapping } from '../keys/private-key-wrapping.ts'
import type { AuthContext } from '../plugins/app/context.ts'
import type { CreatedSession } from '../sessions/create.ts'
import { startSession } from '../sessions/sign-in.ts'
import { recordLoginFailure, secondsUntilAllowed, throttleKeys } from '../throttle/login-throttle.ts'
import { findUserById } from '../users/queries.ts'
import { countWrongCode, findMfaTicket, spendMfaTicket } from './challenge.ts'
import { recoveryCodesLeft } from '@portcullis/shared/mfa/status'
import { takeRecoveryCode } from './recovery-codes.ts'
import { acceptedStep } from './totp.ts'
import { findTotpFactor, markStepUsed } from './totp-factor.ts'

export interface SecondFactorAnswer {
  code?: string | undefined
  recoveryCode?: string | undefined
}

/** The back-off keys of second steps: per (account, network) and per network, apart from the password's. */
function secondStepKeys(userId: string, ip: string) {
  return throttleKeys({ login: `second-factor:${userId}` }, ip)
}

export async function completeSecondFactor(
  auth: AuthContext,
  mfaToken: string,
  answer: SecondFactorAnswer,
  origin: RequestOrigin,
): Promise<{ user: User; session: CreatedSession; mode: SessionMode; mailed: boolean }> {
  if (answer.code === undefined && answer.recoveryCode === undefined) {
    throw validationFailed([fieldProblem('code', 'is required: the code from your authenticator app, or a recovery code', 'required', 'A code')])
  }
  const now = auth.now()
  const ticket = await findMfaTicket(auth.db, mfaToken, now)
  const user = ticket ? await findUserById(auth.db, ticket.userId) : undefined
  if (!ticket || !user || user.status !== 'active') throw new MfaTokenInvalid()
  const keys = secondStepKeys(user.id, origin.ip)
  const wait = await secondsUntilAllowed(auth.db, keys, now)
  if (wait > 0) throw tooManyAttempts(wait)

  const method = answer.code !== undefined ? 'totp' : 'recovery_code'
  const accepted =
    answer.code !== undefined ? await takeTotpCode(auth, user.id, answer.code, now) : await takeRecoveryCode(auth.db, user.id, answer.recoveryCode ?? '', now)
  if (!accepted) {
    await countWrongCode(auth.db, ticket.id)
    await recordLoginFailure(auth.db, keys, auth.throttleRules, now)
    await recordAuditEvent(
      auth.db,
      { type: 'login_failed', userId: user.id, ip: origin.ip, userAgent: origin.userAgent, detail: { reason: `wrong_${method}` } },
      now,
    )
    throw new InvalidCode()
  }
  if (!(await spendMfaTicket(auth.db, ticket.id, now))) throw new MfaTokenInvalid()
  // Recovery codes are one-time passwords too: both answers are "otp" in the token's amr.
  const signedIn = await startSession(auth, user, ticket.mode, origin, { amr: ['pwd', 'otp'], authTime: now }, { second_factor: method })
  if (method === 'recovery_code') {
    const left = await recoveryCodesLeft(auth.db, user.id)
    await recordAuditEvent(
      auth.db,
      { type: 'recovery_code_used', userId: user.id, actorId: user.id, ip: origin.ip, userAgent: origin.userAgent, detail: { left } },
      now,
    )
    if (user.email) {
      await mailRecoveryCodeUsed(auth.db, auth.authConfig, user, user.email, left, now)
      return { ...signedIn, mode: ticket.mode, mailed: true }
    }
  }
  return { ...signedIn, mode: ticket.mode, mailed: false }
}

async function takeTotpCode(auth: AuthContext, userId: string, code: string, now: number): Promise<boolean> {
  const factor = await findTotpFactor(auth.db, userId, keyWrapping(auth.authConfig))
  if (!factor?.confirmed) return false
  const step = acceptedStep(factor.secret, code, factor.lastUsedStep, now)
  return step !== null && (await markStepUsed(auth.db, userId, step, factor.lastUsedStep, now))
}
