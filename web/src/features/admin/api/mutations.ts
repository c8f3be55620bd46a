// What the admin console changes: a user's role or status, a user's sessions. Each change refreshes every admin view.
import type { UserChangeRequest } from '@portcullis/shared/api/admin'
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
