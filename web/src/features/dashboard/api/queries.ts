// The dashboard's server state: GET /user/dashboard, and ending one of the user's own sessions.
import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query'
import type { AccountSession, DashboardResponse } from '@portcullis/shared/api/user'
import { apiFetch } from '../../../lib/api-client.ts'
import { dashboardKeys } from './keys.ts'

export function dashboardQuery() {
  return queryOptions({
    queryKey: dashboardKeys.overview(),
    queryFn: ({ signal }) => apiFetch<DashboardResponse>('/user/dashboard', { signal }),
  })
}

/** Ends a session by its id; takes the whole session so the page can say which one it ended. */
export function useRevokeSession() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (session: AccountSession) => apiFetch<void>(`/user/sessions/${encodeURIComponent(session.id)}`, { method: 'DELETE' }),
    // Settled, not only succeeded: a 404 means the session is already gone, so the list is stale either way.
    onSettled: () => queryClient.invalidateQueries({ queryKey: dashboardKeys.all }),
  })
}
