// What the admin console changes: a user's role or status, a user's sessions, a user's two-step verification (turned off
// for one who lost their factors); it also mails a user a reset link and invites new users. Each change refreshes every
// admin view.
import type { InviteUserRequest, UserChangeRequest } from '@portcullis/shared/api/admin'
import type { AcceptedResponse } from '@portcullis/shared/api/auth'
import type { UserBody } from '@portcullis/shared/api/common'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { apiFetch } from '../../../lib/api-client.ts'
import { adminKeys } from './keys.ts'

export interface UserChange {
  id: string
  change: UserChangeRequest
}

/** A change moves the counts, the users list and the audit log, so all of them are invalidated, even after a failure that may have half-applied. */
function useInvalidateAdmin(): () => Promise<void> {
  const queryClient = useQueryClient()
  return () => queryClient.invalidateQueries({ queryKey: adminKeys.all })
}

export function useChangeUser() {
  const invalidate = useInvalidateAdmin()
  return useMutation({
    mutationFn: ({ id, change }: UserChange) => apiFetch<UserBody>(`/admin/users/${encodeURIComponent(id)}`, { method: 'PATCH', body: change }),
    onSettled: invalidate,
  })
}

export function useRevokeSessions() {
  const invalidate = useInvalidateAdmin()
  return useMutation({
    mutationFn: (id: string) => apiFetch<void>(`/admin/users/${encodeURIComponent(id)}/revoke-sessions`, { method: 'POST' }),
    onSettled: invalidate,
  })
}

/** 202: a link to choose a new password is mailed to the user (409 no_email for a user without an address). */
export function useSendResetLink() {
  const invalidate = useInvalidateAdmin()
  return useMutation({
    mutationFn: (id: string) => apiFetch<AcceptedResponse>(`/admin/users/${encodeURIComponent(id)}/password-reset`, { method: 'POST', body: {} }),
    onSettled: invalidate,
  })
}

/** 201 with the new user, who is mailed a link to choose a password. */
export function useInviteUser() {
  const invalidate = useInvalidateAdmin()
  return useMutation({
    mutationFn: (request: InviteUserRequest) => apiFetch<UserBody>('/admin/users/invite', { method: 'POST', body: request }),
    onSettled: invalidate,
  })
}

/** 204: the user's authenticator app, passkeys and recovery codes are removed, and the user is told by mail (409 no_second_factor when there is none). */
export function useResetSecondFactor() {
  const invalidate = useInvalidateAdmin()
  return useMutation({
    mutationFn: (id: string) => apiFetch<void>(`/admin/users/${encodeURIComponent(id)}/second-factor`, { method: 'DELETE' }),
    onSettled: invalidate,
  })
}
