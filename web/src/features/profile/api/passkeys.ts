// The profile's passkeys: the list, adding one (the server's options, the browser's new credential, registered under the
// name the user gave), renaming and removing. A change refreshes the list and the two-step status (which counts them).
import type { Passkey, PasskeyCreationOptions, PasskeyListResponse, PasskeyRegisterResponse } from '@portcullis/shared/api/passkeys'
import { type QueryClient, queryOptions, useMutation, useQueryClient } from '@tanstack/react-query'
import { apiFetch } from '../../../lib/api-client.ts'
import { createPasskey } from '../../../lib/passkeys.ts'
import { profileKeys } from './keys.ts'

export function passkeysQuery() {
  return queryOptions({
    queryKey: profileKeys.passkeys(),
    queryFn: async ({ signal }) => (await apiFetch<PasskeyListResponse>('/auth/passkeys', { signal })).passkeys,
  })
}

function invalidatePasskeys(queryClient: QueryClient): Promise<unknown> {
  // The dashboard's activity lists these changes too: every account view is stale.
  return queryClient.invalidateQueries()
}

/** Options, the browser's prompt, the registration; the account's first second factor answers its recovery codes. */
export function useAddPasskey() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: async ({ name }: { name: string }) => {
      const options = await apiFetch<PasskeyCreationOptions>('/auth/passkeys/register/options', { method: 'POST', body: {} })
      const credential = await createPasskey(options)
      return apiFetch<PasskeyRegisterResponse>('/auth/passkeys/register', { method: 'POST', body: name ? { credential, name } : { credential } })
    },
    onSettled: () => invalidatePasskeys(queryClient),
  })
}

export function useRenamePasskey() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: ({ id, name }: { id: string; name: string }) =>
      apiFetch<Passkey>(`/auth/passkeys/${encodeURIComponent(id)}`, { method: 'PATCH', body: { name } }),
    onSuccess: () => invalidatePasskeys(queryClient),
  })
}

export function useRemovePasskey() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (id: string) => apiFetch<void>(`/auth/passkeys/${encodeURIComponent(id)}`, { method: 'DELETE' }),
    onSuccess: () => invalidatePasskeys(queryClient),
  })
}
