// The apps that sign in with Portcullis (OpenID Connect clients), as the console reads and changes them: the list, a new
// one, a change (name, redirect URIs, first-party, disabled), a new secret. A secret comes back only in the answer that
// made it; it is never kept in the query cache.
import type {
  OidcClientBody,
  OidcClientChangeRequest,
  OidcClientCreatedResponse,
  OidcClientCreateRequest,
  OidcClientListResponse,
  OidcClientSecretResponse,
} from '@portcullis/shared/api/oidc-clients'
import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query'
import { apiFetch } from '../../../lib/api-client.ts'
import { adminKeys } from './keys.ts'

export function oidcClientsQuery() {
  return queryOptions({
    queryKey: adminKeys.oidcClients(),
    queryFn: ({ signal }) => apiFetch<OidcClientListResponse>('/admin/oidc-clients', { signal }),
  })
}

function clientPath(clientId: string): string {
  return `/admin/oidc-clients/${encodeURIComponent(clientId)}`
}

/** Every change moves the list and the audit log: all admin views are invalidated, even after a failure. */
function useInvalidateAdmin(): () => Promise<void> {
  const queryClient = useQueryClient()
  return () => queryClient.invalidateQueries({ queryKey: adminKeys.all })
}

/** 201 with the client and, for a confidential one, its secret, shown this once. */
export function useCreateOidcClient() {
  const invalidate = useInvalidateAdmin()
  return useMutation({
    mutationFn: (request: OidcClientCreateRequest) => apiFetch<OidcClientCreatedResponse>('/admin/oidc-clients', { method: 'POST', body: request }),
    onSettled: invalidate,
  })
}

export interface OidcClientChange {
  clientId: string
  change: OidcClientChangeRequest
}

/** 200 with the client as changed; `disabled: true` also signs every user out of the app. */
export function useChangeOidcClient() {
  const invalidate = useInvalidateAdmin()
  return useMutation({
    mutationFn: ({ clientId, change }: OidcClientChange) => apiFetch<OidcClientBody>(clientPath(clientId), { method: 'PATCH', body: change }),
    onSettled: invalidate,
  })
}

/** 200 with the new secret, shown this once; the old one is refused from now on. */
export function useNewOidcClientSecret() {
  const invalidate = useInvalidateAdmin()
  return useMutation({
    mutationFn: (clientId: string) => apiFetch<OidcClientSecretResponse>(`${clientPath(clientId)}/secret`, { method: 'POST' }),
    onSettled: invalidate,
  })
}
