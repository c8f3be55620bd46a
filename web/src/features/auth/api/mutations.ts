// What the sign-in pages change: a session begun with a password (and a second factor where the account has one) or a
// passkey, an account created and then signed in to, a reset link asked for and used, and an email address proven by its
// link.
import type { AcceptedResponse, ForgotPasswordRequest, ResetPasswordRequest, SignupRequest, VerifyEmailRequest } from '@portcullis/shared/api/auth'
import type { UserBody } from '@portcullis/shared/api/common'
import type { MfaLoginRequest } from '@portcullis/shared/api/mfa'
import type { PasskeyRequestOptions } from '@portcullis/shared/api/passkeys'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { apiFetch } from '../../../lib/api-client.ts'
import { answerWithPasskey } from '../../../lib/passkeys.ts'
import { signIn, signInSecondStep, signInWithPasskeyAnswer } from '../../../lib/session/session-actions.ts'

export interface Credentials {
  username: string
  password: string
}

export function useSignIn() {
  return useMutation({
    mutationFn: ({ username, password }: Credentials) => signIn(username, password),
  })
}

/** The code from the app or a recovery code, with the ticket the password step answered. */
export function useSignInSecondStep() {
  return useMutation({
    mutationFn: (request: MfaLoginRequest) => signInSecondStep(request),
  })
}

/**
 * Signing in with a passkey alone: a challenge from the server, the browser's answer (from the prompt, or from the username
 * field's autofill once the user picks a passkey there), and the session it begins.
 */
export function useSignInWithPasskey() {
  return useMutation({
    mutationFn: async ({ autofill }: { autofill: boolean }) => {
      const options = await apiFetch<PasskeyRequestOptions>('/auth/passkeys/login/options', { method: 'POST', body: {} })
      await signInWithPasskeyAnswer(await answerWithPasskey(options, autofill))
    },
  })
}

/** POST /auth/signup, then a sign-in as the new account: the mutation succeeds once both are done. */
export function useSignUp() {
  return useMutation({
    mutationFn: async (request: SignupRequest) => {
      await apiFetch<{ user: UserBody }>('/auth/signup', { method: 'POST', body: request })
      await signIn(request.username, request.password)
    },
  })
}

/** 202 whether or not an account matches, so that the answer tells nobody which accounts exist. */
export function useForgotPassword() {
  return useMutation({
    mutationFn: (request: ForgotPasswordRequest) => apiFetch<AcceptedResponse>('/auth/password/forgot', { method: 'POST', body: request }),
  })
}

/** 204: the password is changed and every session of the account has ended. */
export function useResetPassword() {
  return useMutation({
    mutationFn: (request: ResetPasswordRequest) => apiFetch<void>('/auth/password/reset', { method: 'POST', body: request }),
  })
}

export function useVerifyEmail() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (request: VerifyEmailRequest) => apiFetch<void>('/auth/email/verify', { method: 'POST', body: request }),
    // A proven address changes the account wherever it is shown (the profile, the shell's notice): all of it is stale.
    onSuccess: () => queryClient.invalidateQueries(),
  })
}
