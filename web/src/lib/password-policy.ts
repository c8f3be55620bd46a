// The server's account settings (GET /auth/password-policy): the password rules are checked with them as the user types,
// and they say whether email addresses are proven by a link.
import type { PasswordPolicyResponse } from '@portcullis/shared/api/auth'
import type { PasswordPolicy } from '@portcullis/shared/passwords/rules'
import { queryOptions } from '@tanstack/react-query'
import { apiFetch } from './api-client.ts'

export const passwordPolicyKeys = {
  all: ['password-policy'] as const,
}

export type EmailVerification = PasswordPolicyResponse['email_verification']

/** One request, one cache entry: each reader selects the part it needs. */
function policyQuery<Selected>(select: (body: PasswordPolicyResponse) => Selected) {
  return queryOptions({
    queryKey: passwordPolicyKeys.all,
    queryFn: ({ signal }) => apiFetch<PasswordPolicyResponse>('/auth/password-policy', { signal }),
    select,
    // The settings change only when the server is reconfigured (it lets caches keep them five minutes).
    staleTime: 5 * 60_000,
  })
}

export function passwordPolicyQuery() {
  return policyQuery((body): PasswordPolicy => ({ minLength: body.min_length, maxLength: body.max_length, productName: body.product_name }))
}

/** EMAIL_VERIFICATION: 'off' (addresses are never proven), 'optional', or 'required' before sign-in. */
export function emailVerificationQuery() {
  return policyQuery((body): EmailVerification => body.email_verification)
}
