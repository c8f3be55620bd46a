// Who may use an auth route with an access token: a live session of an active user (the shared rule,
// sessions/signed-in-user.ts), with the user's role as it is now.
import type { Kysely } from 'kysely'
import type { Database, Role } from '@portcullis/shared/db/schema'
import type { SessionLifetime } from '@portcullis/shared/sessions/liveness'
import { liveSessionUser } from '@portcullis/shared/sessions/signed-in-user'

export { liveSessionUser, type SignedInUser } from '@portcullis/shared/sessions/signed-in-user'

/** The user's current role when `sessionId` is a live session of the active user `userId`, else undefined. */
export async function liveSessionRole(
  db: Kysely<Database>,
  userId: string,
  sessionId: string,
  now: number,
  lifetime: SessionLifetime,
): Promise<Role | undefined> {
  return (await liveSessionUser(db, userId, sessionId, now, lifetime))?.role
}
