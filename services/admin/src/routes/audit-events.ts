// GET /admin/audit-events: the audit log, newest first, filtered and paged.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { AuditEventsQuery, AuditEventsResponse, PAGE_LIMIT_DEFAULT } from '@portcullis/shared/api/admin'
import { validationFailed } from '@portcullis/shared/errors'
import { listAuditEvents } from '../audit/list-events.ts'
import { ADMIN_REFUSALS, ADMIN_ROUTE, adminOnly } from '../plugins/app/admin-access.ts'
import { resolveParties } from '@portcullis/shared/audit/parties'
import { toAuditEventBody } from '../audit/event-body.ts'
import { ValidationFailed } from '@portcullis/shared/errors'
import { problemResponses } from '@portcullis/shared/problems/responses'

/** JSON Schema's date-time admits a leap second, which Date cannot hold. */
function epochMs(field: string, iso: string | undefined): number | undefined {
  if (iso === undefined) return undefined
  const ms = Date.parse(iso)
  if (Number.isNaN(ms)) throw validationFailed([{ field, message: 'is not a time this service can read' }])
  return ms
}

export async function auditEventsRoute(app: FastifyInstance): Promise<void> {
  app.withTypeProvider<TypeBoxTypeProvider>().get(
    '/admin/audit-events',
    {
      preHandler: adminOnly(app),
      schema: {
        ...ADMIN_ROUTE,
        summary: 'The audit log, newest first: filter by type, user and time, page with next_cursor',
        querystring: AuditEventsQuery,
        response: { 200: AuditEventsResponse, ...problemResponses(...ADMIN_REFUSALS, ValidationFailed) },
      },
    },
    async (request) => {
      const { limit, cursor, type, user_id, since, until } = request.query
      const page = await listAuditEvents(app.database, {
        limit: limit ?? PAGE_LIMIT_DEFAULT,
        cursor,
        type,
        userId: user_id,
        since: epochMs('since', since),
        until: epochMs('until', until),
      })
      const parties = await resolveParties(app.db, page.events)
      return { events: page.events.map((event) => toAuditEventBody(event, parties)), next_cursor: page.nextCursor }
    },
  )
}
