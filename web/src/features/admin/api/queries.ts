// What the admin console reads: the dashboard counts, a page of users, users by the start of their name, a user's two-step
// verification, a page of audit events, the mail not delivered yet.
import type {
  AdminDashboardResponse,
  AuditEventsQuery,
  AuditEventsResponse,
  MailFailuresResponse,
  UserListQuery,
  UserListResponse,
} from '@portcullis/shared/api/admin'
import type { MfaStatusResponse } from '@portcullis/shared/api/mfa'
import { keepPreviousData, queryOptions } from '@tanstack/react-query'
import { apiFetch } from '../../../lib/api-client.ts'
import { adminKeys } from './keys.ts'

/** `?a=1&b=2` from the set members of a query, or '' when none is set. */
function searchOf(query: Record<string, string | number | undefined>): string {
  const params = new URLSearchParams()
  for (const [name, value] of Object.entries(query)) if (value !== undefined && value !== '') params.set(name, String(value))
  const search = params.toString()
  return search ? `?${search}` : ''
}

export function dashboardQuery() {
  return queryOptions({
    queryKey: adminKeys.dashboard(),
    queryFn: ({ signal }) => apiFetch<AdminDashboardResponse>('/admin/dashboard', { signal }),
  })
}

export function userListQuery(query: UserListQuery) {
  return queryOptions({
    queryKey: adminKeys.userList(query),
    queryFn: ({ signal }) => apiFetch<UserListResponse>(`/admin/get-all-users${searchOf(query)}`, { signal }),
    // The table keeps showing the last page while the next one loads, instead of flashing empty.
    placeholderData: keepPreviousData,
  })
}

/** How many users the audit log's user picker offers. */
export const USER_CHOICES = 10

/** The first users, by username, whose username or email starts with `prefix` (for picking one). */
export function userChoicesQuery(prefix: string) {
  return queryOptions({
    ...userListQuery({ q: prefix, limit: USER_CHOICES, sort: 'username' }),
    enabled: prefix !== '',
  })
}

/** A user's second factors: the authenticator app, the passkeys, the recovery codes left. */
export function userSecondFactorQuery(id: string) {
  return queryOptions({
    queryKey: adminKeys.userSecondFactor(id),
    queryFn: ({ signal }) => apiFetch<MfaStatusResponse>(`/admin/users/${encodeURIComponent(id)}/second-factor`, { signal }),
  })
}

export function auditEventsQuery(query: AuditEventsQuery) {
  return queryOptions({
    queryKey: adminKeys.auditEvents(query),
    queryFn: ({ signal }) => apiFetch<AuditEventsResponse>(`/admin/audit-events${searchOf(query)}`, { signal }),
    placeholderData: keepPreviousData,
  })
}

/** Mail that failed at least once and is still to be sent, oldest first. */
export function mailFailuresQuery() {
  return queryOptions({
    queryKey: adminKeys.mailFailures(),
    queryFn: ({ signal }) => apiFetch<MailFailuresResponse>('/admin/mail/failures', { signal }),
  })
}
