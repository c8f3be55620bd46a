// MFA_REQUIRED_FOR_ADMINS: an admin reaches the console only with a second factor. A token whose sign-in used one says so
// itself (its amr), with no query; otherwise the database is asked, so that an admin who sets one up after signing in
// passes at once, on the token they hold.
import type { Kysely } from 'kysely'
import type { Database } from '@portcullis/shared/db/schema'
import { provesSecondFactor } from '@portcullis/shared/mfa/amr'
import { hasSecondFactor } from '@portcullis/shared/mfa/status'
import type { Principal } from '@portcullis/shared/tokens/principal'

export function signedInWithSecondFactor(principal: Pick<Principal, 'amr'>): boolean {
  return provesSecondFactor(principal.amr)
}

/** Whether this admin meets the policy: proven with a second factor on this session, or holding one now. */
export async function adminHasSecondFactor(db: Kysely<Database>, principal: Pick<Principal, 'amr' | 'userId'>): Promise<boolean> {
  return signedInWithSecondFactor(principal) || (await hasSecondFactor(db, principal.userId))
}
