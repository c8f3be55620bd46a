// The numbers on the admin dashboard: users by role and status, sign-ups, live sessions, failed logins, and the latest audit events.
import type { Kysely } from 'kysely'
import type { DatabaseHandle } from '@portcullis/shared/db/handle'
import type { AuditEvent, Database } from '@portcullis/shared/db/schema'
import { type SessionLifetime, sessionIsLive } from '@portcullis/shared/sessions/liveness'
import { recentAuditEvents } from '../audit/list-events.ts'

const HOUR_MS = 3_600_000
const DAY_MS = 24 * HOUR_MS
export const RECENT_EVENT_COUNT = 20

export interface DashboardSummary {
  users: { total: number; byRole: { user: number; admin: number }; byStatus: { active: number; disabled: number } }
  newUsers: { last24h: number; last7d: number }
  activeSessions: number
  failedLogins24h: number
  recentEvents: AuditEvent[]
}

async function usersByRoleAndStatus(db: Kysely<Database>): Promise<DashboardSummary['users']> {
  const groups = await db
    .selectFrom('users')
    .select(['role', 'status', (eb) => eb.fn.countAll<number | string>().as('count')])
    .groupBy(['role', 'status'])
    .execute()
  const users: DashboardSummary['users'] = { total: 0, byRole: { user: 0, admin: 0 }, byStatus: { active: 0, disabled: 0 } }
  for (const group of groups) {
    const count = Number(group.count)
    users.total += count
    users.byRole[group.role] += count
    users.byStatus[group.status] += count
  }
  return users
}

async function usersCreatedSince(db: Kysely<Database>, since: number): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number | string>().as('count'))
    .where('created_at', '>=', since)
    .executeTakeFirstOrThrow()
  return Number(row.count)
}

async function liveSessions(db: Kysely<Database>, now: number, lifetime: SessionLifetime): Promise<number> {
  const row = await db
    .selectFrom('sessions')
    .select((eb) => eb.fn.countAll<number | string>().as('count'))
    .where(sessionIsLive('sessions', now, lifetime))
    .executeTakeFirstOrThrow()
  return Number(row.count)
}

async function failedLoginsSince(db: Kysely<Database>, since: number): Promise<number> {
  const row = await db
    .selectFrom('audit_events')
    .select((eb) => eb.fn.countAll<number | string>().as('count'))
    .where('type', '=', 'login_failed')
    .where('at', '>=', since)
    .executeTakeFirstOrThrow()
  return Number(row.count)
}

export async function dashboardSummary(database: DatabaseHandle, now: number, lifetime: SessionLifetime): Promise<DashboardSummary> {
  const { db } = database
  const [users, last24h, last7d, activeSessions, failedLogins24h, recentEvents] = await Promise.all([
    usersByRoleAndStatus(db),
    usersCreatedSince(db, now - DAY_MS),
    usersCreatedSince(db, now - 7 * DAY_MS),
    liveSessions(db, now, lifetime),
    failedLoginsSince(db, now - DAY_MS),
    recentAuditEvents(database, RECENT_EVENT_COUNT),
  ])
  return { users, newUsers: { last24h, last7d }, activeSessions, failedLogins24h, recentEvents }
}
