// GET /admin/mail/failures: the mails not delivered yet after a failed try, oldest first.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { MailFailuresResponse } from '@portcullis/shared/api/admin'
import { problemResponses } from '@portcullis/shared/problems/responses'
import { undeliveredMail } from '../mail/failures.ts'
import { ADMIN_REFUSALS, ADMIN_ROUTE, adminOnly } from '../plugins/app/admin-access.ts'

export async function mailFailuresRoute(app: FastifyInstance): Promise<void> {
  app.withTypeProvider<TypeBoxTypeProvider>().get(
    '/admin/mail/failures',
    {
      preHandler: adminOnly(app),
      schema: {
        ...ADMIN_ROUTE,
        summary: 'Mail not delivered yet: what failed, and why',
        response: { 200: MailFailuresResponse, ...problemResponses(...ADMIN_REFUSALS) },
      },
    },
    async () => ({ mails: await undeliveredMail(app.db) }),
  )
}
