// The server's password settings (GET /auth/password-policy), which the shared rules are checked with as the user types.
import type { PasswordPolicyResponse } from '@portcullis/shared/api/auth'
import type { PasswordPolicy } from '@portcullis/shared/passwords/rules'
import { queryOptions } from '@tanstack/react-query'
import { apiFetch } from './api-client.ts'

export const passwordPolicyKeys = {
  all: ['password-policy'] as const,
}

export function passwordPolicyQuery() {
  return queryOptions({
    queryKey: passwordPolicyKeys.all,
    queryFn: ({ signal }) => apiFetch<PasswordPolicyResponse>('/auth/password-policy', { signal }),
    select: (body): PasswordPolicy => ({ minLength: body.min_length, maxLength: body.max_length, productName: body.product_name }),
    // The settings change only when the server is reconfigured (it lets caches keep them five minutes).
    staleTime: 5 * 60_000,
  })
}
