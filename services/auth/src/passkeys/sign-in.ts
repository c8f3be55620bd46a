// Signing in with a passkey alone: the authenticator verified the user (PIN, biometrics) and holds the key, so it is both
// factors (amr hwk). The same account rules as the password's: a disabled account is refused, and EMAIL_VERIFICATION=required
// keeps an unproven address out. A failed answer is audited when it names a passkey we know.
import type { PasskeyAssertion } from '@portcullis/shared/api/passkeys'
import { recordAuditEvent } from '@portcullis/shared/audit/record'
import { AMR } from '@portcullis/shared/mfa/amr'
import type { SessionMode, User } from '@portcullis/shared/db/schema'
import { AccountDisabled } from '@portcullis/shared/errors'
import type { RequestOrigin } from '@portcullis/shared/request-origin'
import { EmailNotVerified, PasskeyInvalid, PasskeyNotVerified } from '../errors.ts'
import type { AuthContext } from '../plugins/app/context.ts'
import type { CreatedSession } from '../sessions/create.ts'
import { mustVerifyBeforeSignIn, startSession } from '../sessions/sign-in.ts'
import { findUserById } from '../users/queries.ts'
import { verifyAssertion } from './assertion.ts'
import { findPasskeyByCredential, type PasskeyRow } from './store.ts'

export async function signInWithPasskey(
  auth: AuthContext,
  assertion: PasskeyAssertion,
  mode: SessionMode,
  origin: RequestOrigin,
): Promise<{ user: User; session: CreatedSession }> {
  const now = auth.now()
  let passkey: PasskeyRow
  try {
    passkey = await verifyAssertion(auth, assertion, 'sign_in', null)
  } catch (error) {
    if (error instanceof PasskeyInvalid || error instanceof PasskeyNotVerified) {
      const known = await findPasskeyByCredential(auth.db, assertion.id)
      if (known) {
        await recordAuditEvent(
          auth.db,
          { type: 'login_failed', userId: known.user_id, ip: origin.ip, userAgent: origin.userAgent, detail: { reason: 'passkey_refused' } },
          now,
        )
      }
    }
    throw error
  }
  const user = await findUserById(auth.db, passkey.user_id)
  if (!user) throw new PasskeyInvalid()
  const refuse = async (reason: string, error: Error): Promise<never> => {
    await recordAuditEvent(auth.db, { type: 'login_failed', userId: user.id, ip: origin.ip, userAgent: origin.userAgent, detail: { reason } }, now)
    throw error
  }
  if (user.status !== 'active') return refuse('disabled', new AccountDisabled())
  if (mustVerifyBeforeSignIn(auth.authConfig.emailVerification, user)) return refuse('email_not_verified', new EmailNotVerified())
  return startSession(auth, user, mode, origin, { amr: [AMR.passkey], authTime: now }, { method: 'passkey', passkey_id: passkey.id })
}
