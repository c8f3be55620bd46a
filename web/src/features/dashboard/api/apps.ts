// The apps the user signed in to with Portcullis: GET /user/apps, and removing one's access.
import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query'
import type { UserApp, UserAppsResponse } from '@portcullis/shared/api/oidc'
import { apiFetch } from '../../../lib/api-client.ts'
import { dashboardKeys } from './keys.ts'

export function userAppsQuery() {
  return queryOptions({
    queryKey: dashboardKeys.apps(),
    queryFn: async ({ signal }) => (await apiFetch<UserAppsResponse>('/user/apps', { signal })).apps,
  })
}

/** Withdraws the consent to an app and signs it out; takes the whole app so the page can say which one. */
export function useRemoveAppAccess() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (app: UserApp) => apiFetch<void>(`/user/apps/${encodeURIComponent(app.client_id)}`, { method: 'DELETE' }),
    // Settled, not only succeeded: a 404 means the access is already gone, so the list is stale either way.
    onSettled: () => queryClient.invalidateQueries({ queryKey: dashboardKeys.apps() }),
  })
}
