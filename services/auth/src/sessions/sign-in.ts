// Signing in: the password checked under the back-off rules (passwords/authenticate.ts), a new session, the login recorded.
import type { SessionMode, User } from '@portcullis/shared/db/schema'
import { recordAuditEvent } from '@portcullis/shared/audit/record'
import type { RequestOrigin } from '@portcullis/shared/request-origin'
import { authenticatePassword } from '../passwords/authenticate.ts'
import type { AuthContext } from '../plugins/app/context.ts'
import { recordLogin } from '../users/queries.ts'
import { type CreatedSession, createSession } from './create.ts'

export async function signIn(
  auth: AuthContext,
  login: string,
  password: string,
  mode: SessionMode,
  origin: RequestOrigin,
): Promise<{ user: User; session: CreatedSession }> {
  const user = await authenticatePassword(auth, login, password, origin)
  const now = auth.now()
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
