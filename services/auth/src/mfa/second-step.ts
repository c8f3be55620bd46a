// The second step of a sign-in: the ticket from the password step and a code from the authenticator app, one recovery
// code, or a passkey (mfa/second-factor-answer.ts). Wrong codes wear the ticket out and count in the back-off of second
// factors, which a right password does not clear, so codes cannot be guessed without limit by signing in again and again.
import type { SessionMode, User } from '@portcullis/shared/db/schema'
import type { RequestOrigin } from '@portcullis/shared/request-origin'
import { MfaTokenInvalid } from '../errors.ts'
import type { AuthContext } from '../plugins/app/context.ts'
import type { CreatedSession } from '../sessions/create.ts'
import { startSession } from '../sessions/sign-in.ts'
import { findUserById } from '../users/queries.ts'
import { countWrongCode, findMfaTicket, spendMfaTicket } from './challenge.ts'
import { noteRecoveryCodeUsed, SECOND_FACTOR_AMR, type SecondFactorAnswer, secondFactorMethod, takeSecondFactor } from './second-factor-answer.ts'

export async function completeSecondFactor(
  auth: AuthContext,
  mfaToken: string,
  answer: SecondFactorAnswer,
  origin: RequestOrigin,
): Promise<{ user: User; session: CreatedSession; mode: SessionMode; mailed: boolean }> {
  secondFactorMethod(answer)
  const now = auth.now()
  const ticket = await findMfaTicket(auth.db, mfaToken, now)
  const user = ticket ? await findUserById(auth.db, ticket.userId) : undefined
  if (!ticket || !user || user.status !== 'active') throw new MfaTokenInvalid()
  const method = await takeSecondFactor(auth, user, answer, origin, { onWrong: () => countWrongCode(auth.db, ticket.id) })
  if (!(await spendMfaTicket(auth.db, ticket.id, now))) throw new MfaTokenInvalid()
  const signedIn = await startSession(auth, user, ticket.mode, origin, { amr: SECOND_FACTOR_AMR[method], authTime: now }, { second_factor: method })
  const mailed = method === 'recovery_code' && (await noteRecoveryCodeUsed(auth, user, origin))
  return { ...signedIn, mode: ticket.mode, mailed }
}
