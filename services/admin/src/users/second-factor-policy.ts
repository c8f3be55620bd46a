// MFA_REQUIRED_FOR_ADMINS: an admin reaches the console only with a second factor. A token whose sign-in used one says so
// itself (its amr), with no query; otherwise the database is asked, so that an admin who sets one up after signing in
// passes at once, on the token they hold.
import type { Kysely } from 'kysely'
import type { Database } from '@portcullis/shared/db/schema'
import { hasSecondFactor } from '@portcullis/shared/mfa/status'
import type { Principal } from '@portcullis/shared/tokens/principal'

/** The amr of a sign-in with a second factor: a one-time code (from the app, or a recovery code), a passkey. */
const SECOND_FACTOR_METHODS: ReadonlySet<string> = new Set(['otp', 'hwk'])

export function signedInWithSecondFactor(principal: Pick<Principal, 'amr'>): boolean {
  return principal.amr.some((method) => SECOND_FACTOR_METHODS.has(method))
}

/** Whether this admin meets the policy: proven with a second factor on this session, or holding one now. */
export async function adminHasSecondFactor(db: Kysely<Database>, principal: Pick<Principal, 'amr' | 'userId'>): Promise<boolean> {
  return signedInWithSecondFactor(principal) || (await hasSecondFactor(db, principal.userId))
}
