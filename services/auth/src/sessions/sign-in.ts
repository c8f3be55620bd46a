// Signing in: the password checked under the back-off rules (passwords/authenticate.ts), a new session, the login recorded.
import type { SessionMode, User } from '@portcullis/shared/db/schema'
import { recordAuditEvent } from '@portcullis/shared/audit/record'
import type { RequestOrigin } from '@portcullis/shared/request-origin'
import type { EmailVerification } from '@portcullis/shared/settings/links'
import { EmailNotVerified } from '../errors.ts'
import { authenticatePassword } from '../passwords/authenticate.ts'
import type { AuthContext } from '../plugins/app/context.ts'
import { recordLogin } from '../users/queries.ts'
import type { MfaMethod } from '@portcullis/shared/api/mfa'
import type { PasskeyRequestOptions } from '@portcullis/shared/api/passkeys'
import { AMR } from '@portcullis/shared/mfa/amr'
import { secondFactorStatus } from '@portcullis/shared/mfa/status'
import { openMfaTicket } from '../mfa/challenge.ts'
import { assertionOptions } from '../passkeys/assertion.ts'
import { type CreatedSession, createSession, type SessionProof } from './create.ts'

/**
 * EMAIL_VERIFICATION=required keeps an account with an unproven address out. An account with no address at all (one made
 * on the command line: sign-up asks for one when verification is required) is not held back.
 */
export function mustVerifyBeforeSignIn(mode: EmailVerification, user: Pick<User, 'email' | 'email_verified_at'>): boolean {
  return mode === 'required' && user.email !== null && user.email_verified_at === null
}

export type SignInOutcome =
  | { kind: 'signed-in'; user: User; session: CreatedSession }
  /**
   * The password was right and the account has a second factor: a ticket for POST /auth/login/mfa, no session yet, the ways
   * the second step can be taken, and the options for a passkey when the account has one.
   */
  | { kind: 'second-factor'; mfaToken: string; methods: MfaMethod[]; passkeyOptions: PasskeyRequestOptions | undefined }

export async function signIn(auth: AuthContext, login: string, password: string, mode: SessionMode, origin: RequestOrigin): Promise<SignInOutcome> {
  const user = await authenticatePassword(auth, login, password, origin)
  const now = auth.now()
  // Only after the password is right, so that the answer tells nothing to someone who does not know it.
  if (mustVerifyBeforeSignIn(auth.authConfig.emailVerification, user)) {
    await recordAuditEvent(
      auth.db,
      { type: 'login_failed', userId: user.id, ip: origin.ip, userAgent: origin.userAgent, detail: { reason: 'email_not_verified' } },
      now,
    )
    throw new EmailNotVerified()
  }
  const factors = await secondFactorStatus(auth.db, user.id)
  if (factors.totp || factors.passkeys > 0) {
    const methods: MfaMethod[] = []
    if (factors.totp) methods.push('totp')
    if (factors.passkeys > 0) methods.push('passkey')
    if (factors.recovery_codes_left > 0) methods.push('recovery_code')
    const passkeyOptions = factors.passkeys > 0 ? await assertionOptions(auth, 'second_factor', user.id) : undefined
    return { kind: 'second-factor', mfaToken: await openMfaTicket(auth.db, user.id, mode, now), methods, passkeyOptions }
  }
  return { kind: 'signed-in', ...(await startSession(auth, user, mode, origin, { amr: [AMR.password], authTime: now })) }
}

/** A proven user's new session, the login recorded and audited, in one transaction: the end of every way of signing in. */
export async function startSession(
  auth: AuthContext,
  user: User,
  mode: SessionMode,
  origin: RequestOrigin,
  proof: SessionProof,
  detail: Record<string, unknown> = {},
): Promise<{ user: User; session: CreatedSession }> {
  const now = auth.now()
  const session = await auth.db.transaction().execute(async (trx) => {
    const created = await createSession(trx, user.id, mode, origin, auth.sessionPolicy, now, proof)
    await recordLogin(trx, user.id, now)
    await recordAuditEvent(
      trx,
      {
        type: 'login_succeeded',
        userId: user.id,
        actorId: user.id,
        ip: origin.ip,
        userAgent: origin.userAgent,
        detail: { session_id: created.sessionId, mode, ...detail },
      },
      now,
    )
    return created
  })
  user.last_login_at = now
  return { user, session }
}
