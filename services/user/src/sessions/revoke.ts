// Ending one of one's own sessions: checked here, done by auth (which owns the sessions table) through its internal API.
import type { Kysely } from 'kysely'
import type { Database } from '@portcullis/shared/db/schema'
import { NotFound, ServiceUnavailable } from '@portcullis/shared/errors'
import { AuthCallFailed, type AuthClient } from '@portcullis/shared/internal/auth-client'
import { findLiveSession, type SessionLiveness } from './queries.ts'

/** Throws NotFound unless the session is the user's and live, ServiceUnavailable when auth cannot do it now. */
export async function revokeOwnSession(
  db: Kysely<Database>,
  authClient: AuthClient,
  userId: string,
  sessionId: string,
  liveness: SessionLiveness,
): Promise<void> {
  const session = await findLiveSession(db, userId, sessionId, liveness)
  if (!session) throw new NotFound()
  try {
    await authClient.revokeSession(session.id)
  } catch (error) {
    if (!(error instanceof AuthCallFailed)) throw error
    // Gone between our read and auth's: the same answer as if it had never been there.
    if (error.status === 404) throw new NotFound()
    // A refused service token or scope is our misconfiguration, not the caller's fault: logged by the error handler as a 503.
    throw new ServiceUnavailable(undefined, { cause: error })
  }
}
