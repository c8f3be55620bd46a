// The apps a user signed in to through Portcullis' OpenID Connect provider: each oidc-provider grant (one user, one client) is
// linked to the Portcullis session it was made in (oidc_sign_ins). Ending sign-ins deletes the grant with every code, access
// token and refresh token issued under it (oidc_payloads), so the app's next refresh, userinfo or introspection is refused.
// Sessions end in one place (sessions/revoke.ts), which ends their sign-ins here; a withdrawn consent ends the client's.
import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.ts'

export interface SignIn {
  grantId: string
  userId: string
  clientId: string
  sessionId: string
}

/** Links a grant to the session it was made or renewed in (a grant renewed in a later session follows that one). */
export async function recordSignIn(db: Kysely<Database>, signIn: SignIn, now: number): Promise<void> {
  const updated = await db
    .updateTable('oidc_sign_ins')
    .set({ session_id: signIn.sessionId, last_used_at: now })
    .where('grant_id', '=', signIn.grantId)
    .executeTakeFirst()
  if (Number(updated.numUpdatedRows) > 0) return
  await db
    .insertInto('oidc_sign_ins')
    .values({ grant_id: signIn.grantId, user_id: signIn.userId, client_id: signIn.clientId, session_id: signIn.sessionId, created_at: now, last_used_at: now })
    .execute()
}

/** The session a grant is linked to, or undefined when it has none (ended, or never made through our interaction). */
export async function signInSession(db: Kysely<Database>, grantId: string): Promise<string | undefined> {
  const row = await db.selectFrom('oidc_sign_ins').select('session_id').where('grant_id', '=', grantId).executeTakeFirst()
  return row?.session_id
}

/** Marks a grant used now (a refresh), for the sessions page. */
export async function touchSignIn(db: Kysely<Database>, grantId: string, now: number): Promise<void> {
  await db.updateTable('oidc_sign_ins').set({ last_used_at: now }).where('grant_id', '=', grantId).execute()
}

export type SignInsToEnd =
  | { sessionIds: readonly string[] }
  /** Every sign-in of a user (but those made in `exceptSessionId`), or only those to one client. */
  | { userId: string; clientId?: string; exceptSessionId?: string }
  /** Every sign-in to one client (it was disabled or removed). */
  | { clientId: string }

/** Ends the sign-ins chosen, and everything issued under their grants; returns how many ended. */
export async function endSignIns(db: Kysely<Database>, which: SignInsToEnd): Promise<number> {
  let query = db.selectFrom('oidc_sign_ins').select('grant_id')
  if ('sessionIds' in which) {
    if (which.sessionIds.length === 0) return 0
    query = query.where('session_id', 'in', which.sessionIds)
  } else if (!('userId' in which)) {
    query = query.where('client_id', '=', which.clientId)
  } else {
    query = query.where('user_id', '=', which.userId)
    if (which.clientId !== undefined) query = query.where('client_id', '=', which.clientId)
    if (which.exceptSessionId !== undefined) query = query.where('session_id', '!=', which.exceptSessionId)
  }
  const grantIds = (await query.execute()).map((row) => row.grant_id)
  if (grantIds.length === 0) return 0
  await db
    .deleteFrom('oidc_payloads')
    .where((eb) => eb.or([eb('grant_id', 'in', grantIds), eb.and([eb('model', '=', 'Grant'), eb('id', 'in', grantIds)])]))
    .execute()
  await db.deleteFrom('oidc_sign_ins').where('grant_id', 'in', grantIds).execute()
  return grantIds.length
}
