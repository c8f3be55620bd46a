// MFA_REQUIRED_FOR_ADMINS as the console sees it: an admin API call answered 403 mfa_enrolment_required means this admin
// has no second factor yet, and the console shows the way to set one up instead of itself.
import { ProblemError } from '../../../lib/problem.ts'

/** The profile's two-step verification section, where an admin sets up the factor the console asks for. */
export const TWO_STEP_SETTINGS = '/profile#two-step'

export function isMfaEnrolmentRequired(error: unknown): boolean {
  return error instanceof ProblemError && error.status === 403 && error.code === 'mfa_enrolment_required'
}
