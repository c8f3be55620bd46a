// Signing in: the password checked under the back-off rules (passwords/authenticate.ts), a new session, the login recorded.
import type { SessionMode, User } from '@portcullis/shared/db/schema'
import { recordAuditEvent } from '@portcullis/shared/audit/record'
import type { RequestOrigin } from '@portcullis/shared/request-origin'
import type { EmailVerification } from '@portcullis/shared/settings/links'
import { EmailNotVerified } from '../errors.ts'
import { authenticatePassword } from '../passwords/authenticate.ts'
import type { AuthContext } from '../plugins/app/context.ts'
import { recordLogin } from '../users/queries.ts'
import { type CreatedSession, createSession } from './create.ts'

/**
 * EMAIL_VERIFICATION=required keeps an account with an unproven address out. An account with no address at all (one made
 * on the command line: sign-up asks for one when verification is required) is not held back.
 */
export function mustVerifyBeforeSignIn(mode: EmailVerification, user: Pick<User, 'email' | 'email_verified_at'>): boolean {
  return mode === 'required' && user.email !== null && user.email_verified_at === null
}

export async function signIn(
  auth: AuthContext,
  login: string,
  password: string,
  mode: SessionMode,
  origin: RequestOrigin,
): Promise<{ user: User; session: CreatedSession }> {
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
  const session = await createSession(auth.db, user.id, mode, origin, auth.sessionPolicy, now)
  await recordLogin(auth.db, user.id, now)
  user.last_login_at = now
  await recordAuditEvent(
    auth.db,
    { type: 'login_succeeded', userId: user.id, actorId: user.id, ip: origin.ip, userAgent: origin.userAgent, detail: { session_id: session.sessionId, mode } },
    now,
  )
  return { user, session }
}
