// oidc-provider's findAccount: the Portcullis user a token or sign-in is about, as an app sees them. Only an active user is
// found: a disabled one's refresh, userinfo and code exchange are refused at once (their sign-ins also end with their
// sessions: sessions/revoke.ts). The claims are read at each use, so a changed email or role shows at the next userinfo.
import type { Kysely } from 'kysely'
import type { Account, FindAccount } from 'oidc-provider'
import type { Database } from '@portcullis/shared/db/schema'

/**
 * Which claims each scope gives: openid gives sub, and how and when the user signed in to Portcullis (amr, auth_time, from
 * the sign-in, in every ID token); acr, sid and iss stand alone, as oidc-provider declares them by default.
 */
export const SCOPE_CLAIMS = {
  acr: null,
  sid: null,
  iss: null,
  auth_time: null,
  openid: ['sub', 'amr', 'auth_time'],
  profile: ['preferred_username', 'name', 'role'],
  email: ['email', 'email_verified'],
} as const

export function findAccountIn(db: Kysely<Database>): FindAccount {
  return async (_ctx, sub): Promise<Account | undefined> => {
    const user = await db
      .selectFrom('users')
      .select(['id', 'username', 'display_name', 'email', 'email_verified_at', 'role', 'status'])
      .where('id', '=', sub)
      .executeTakeFirst()
    if (!user || user.status !== 'active') return undefined
    return {
      accountId: user.id,
      claims: () => ({
        sub: user.id,
        preferred_username: user.username,
        name: user.display_name ?? user.username,
        role: user.role,
        ...(user.email === null ? {} : { email: user.email, email_verified: user.email_verified_at !== null && user.email_verified_at !== undefined }),
      }),
    }
  }
}
