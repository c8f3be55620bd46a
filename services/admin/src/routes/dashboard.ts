// GET /admin/dashboard: counts of users, sign-ups, live sessions and failed logins, and the latest audit events.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { AdminDashboardResponse } from '@portcullis/shared/api/admin'
import { dashboardSummary } from '../dashboard/summary.ts'
import { ADMIN_REFUSALS, ADMIN_ROUTE, adminOnly } from '../plugins/app/admin-access.ts'
import { resolveParties } from '@portcullis/shared/audit/parties'
import { toAuditEventBody } from '../audit/event-body.ts'
import { problemResponses } from '@portcullis/shared/problems/responses'

export async function dashboardRoute(app: FastifyInstance): Promise<void> {
  app.withTypeProvider<TypeBoxTypeProvider>().get(
    '/admin/dashboard',
    {
      preHandler: adminOnly(app),
      schema: {
        ...ADMIN_ROUTE,
        summary: 'Counts of users, sessions and failed logins, and the latest audit events',
        response: { 200: AdminDashboardResponse, ...problemResponses(...ADMIN_REFUSALS) },
      },
    },
    async () => {
      const summary = await dashboardSummary(app.database, app.now(), app.sessionLifetime)
      const parties = await resolveParties(app.db, summary.recentEvents)
      return {
        counts: {
          users: { total: summary.users.total, by_role: summary.users.byRole, by_status: summary.users.byStatus },
          new_users: { last_24h: summary.newUsers.last24h, last_7d: summary.newUsers.last7d },
          active_sessions: summary.activeSessions,
          failed_logins_24h: summary.failedLogins24h,
        },
        recent_events: summary.recentEvents.map((event) => toAuditEventBody(event, parties)),
      }
    },
  )
}
