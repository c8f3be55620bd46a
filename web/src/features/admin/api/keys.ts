// Query keys of the admin console, from one factory: a mutation invalidates a whole branch by its prefix.
import type { AuditEventsQuery, UserListQuery } from '@portcullis/shared/api/admin'

export const adminKeys = {
  all: ['admin'] as const,
  dashboard: () => [...adminKeys.all, 'dashboard'] as const,
  users: () => [...adminKeys.all, 'users'] as const,
  userList: (query: UserListQuery) => [...adminKeys.users(), query] as const,
  userSecondFactor: (id: string) => [...adminKeys.users(), 'second-factor', id] as const,
  audit: () => [...adminKeys.all, 'audit'] as const,
  auditEvents: (query: AuditEventsQuery) => [...adminKeys.audit(), query] as const,
  mailFailures: () => [...adminKeys.all, 'mail-failures'] as const,
  oidcClients: () => [...adminKeys.all, 'oidc-clients'] as const,
}
