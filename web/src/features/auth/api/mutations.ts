// What the sign-in pages change: a session begun with a password, and an account created and then signed in to.
import type { SignupRequest } from '@portcullis/shared/api/auth'
import type { UserBody } from '@portcullis/shared/api/common'
import { useMutation } from '@tanstack/react-query'
import { apiFetch } from '../../../lib/api-client.ts'
import { signIn } from '../../../lib/session/session-actions.ts'

export interface Credentials {
  username: string
  password: string
}

export function useSignIn() {
  return useMutation({
    mutationFn: ({ username, password }: Credentials) => signIn(username, password),
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
