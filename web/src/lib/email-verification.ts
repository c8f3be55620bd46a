// Asking for the verification link again: the signed-in user's own address ({}), or an account named by username or email
// for someone who cannot sign in until it is proven ({ login }); either way the server answers 202 whether or not it sends.
import type { AcceptedResponse, ResendVerificationRequest } from '@portcullis/shared/api/auth'
import { useMutation } from '@tanstack/react-query'
import { apiFetch } from './api-client.ts'

export function useResendVerification() {
  return useMutation({
    mutationFn: (request: ResendVerificationRequest) => apiFetch<AcceptedResponse>('/auth/email/verify/resend', { method: 'POST', body: request }),
  })
}
