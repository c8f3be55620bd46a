// The profile page's server state: reading and changing the profile, changing the password, the second factor (an
// authenticator app and its recovery codes), signing out everywhere.
import type { PasswordChangeRequest } from '@portcullis/shared/api/auth'
import type { MfaStatusResponse, RecoveryCodesResponse, TotpConfirmRequest, TotpRemoveRequest, TotpSetupResponse } from '@portcullis/shared/api/mfa'
import type { ProfileResponse, ProfileUpdateRequest } from '@portcullis/shared/api/user'
import { type QueryClient, queryOptions, useMutation, useQueryClient } from '@tanstack/react-query'
import { signOut } from '../../../lib/session/session-actions.ts'
import { apiFetch } from '../../../lib/api-client.ts'
import { profileKeys } from './keys.ts'

export function profileQuery() {
  return queryOptions({
    queryKey: profileKeys.detail(),
    queryFn: ({ signal }) => apiFetch<ProfileResponse>('/user/profile', { signal }),
  })
}

/**
 * Other pages show this account too (the dashboard: profile, sessions, activity), under keys that belong to their own
 * features; marking every query outside this feature stale makes each refetch the next time it is on screen.
 */
function invalidateOtherAccountViews(queryClient: QueryClient): Promise<void> {
  return queryClient.invalidateQueries({ predicate: (query) => query.queryKey[0] !== profileKeys.all[0] })
}

export function useUpdateProfile() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (changes: ProfileUpdateRequest) => apiFetch<ProfileResponse>('/user/profile', { method: 'PATCH', body: changes }),
    onSuccess: (profile) => {
      // The answer is the new profile: no need to ask for it again.
      queryClient.setQueryData(profileKeys.detail(), profile)
      return invalidateOtherAccountViews(queryClient)
    },
  })
}

/** 204 on success; the server also ends every other session of the user. */
export function useChangePassword() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (request: PasswordChangeRequest) => apiFetch<void>('/auth/password', { method: 'POST', body: request }),
    onSuccess: () => invalidateOtherAccountViews(queryClient),
  })
}

export function secondFactorQuery() {
  return queryOptions({
    queryKey: profileKeys.secondFactor(),
    queryFn: ({ signal }) => apiFetch<MfaStatusResponse>('/auth/mfa', { signal }),
  })
}

/** After a change to the second factor: its status here, and the activity other pages list. */
function invalidateSecondFactor(queryClient: QueryClient): Promise<unknown> {
  return Promise.all([queryClient.invalidateQueries({ queryKey: profileKeys.secondFactor() }), invalidateOtherAccountViews(queryClient)])
}

/** A new secret for the app, not in force until a code from the app confirms it. 409 totp_enrolled: it is on already. */
export function useSetUpTotp() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: () => apiFetch<TotpSetupResponse>('/auth/mfa/totp/setup', { method: 'POST', body: {} }),
    onError: () => queryClient.invalidateQueries({ queryKey: profileKeys.secondFactor() }),
  })
}

/** The first code from the app turns it on; the answer holds the recovery codes, shown this once. */
export function useConfirmTotp() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (request: TotpConfirmRequest) => apiFetch<RecoveryCodesResponse>('/auth/mfa/totp/confirm', { method: 'POST', body: request }),
    onSuccess: () => invalidateSecondFactor(queryClient),
  })
}

/** A new set of recovery codes; the old set stops working. */
export function useNewRecoveryCodes() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: () => apiFetch<RecoveryCodesResponse>('/auth/mfa/recovery-codes', { method: 'POST', body: {} }),
    onSuccess: () => invalidateSecondFactor(queryClient),
  })
}

/** 204 with a code from the app or the password; the recovery codes go with it. */
export function useTurnOffTotp() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (request: TotpRemoveRequest) => apiFetch<void>('/auth/mfa/totp', { method: 'DELETE', body: request }),
    onSuccess: () => invalidateSecondFactor(queryClient),
  })
}

/** Ends every session on the server, then this tab's (and tells the other tabs); the cache is cleared on sign-out. */
export function useSignOutEverywhere() {
  return useMutation({
    mutationFn: async () => {
      await apiFetch<void>('/auth/logout-all', { method: 'POST' })
      // The server has already ended this session too: a failed /auth/logout call changes nothing, signOut() still clears this tab.
      await signOut().catch(() => undefined)
    },
  })
}
