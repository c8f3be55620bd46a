// Removing an app's access to one's own account: the consent and every sign-in to it end through the shared rule
// (services/shared/src/oidc/consents.ts), in one transaction with its audit event.
import type { Kysely } from 'kysely'
import { recordAuditEvent } from '@portcullis/shared/audit/record'
import type { Database } from '@portcullis/shared/db/schema'
import { NotFound } from '@portcullis/shared/errors'
import { withdrawConsent } from '@portcullis/shared/oidc/consents'
import type { RequestOrigin } from '@portcullis/shared/request-origin'

export interface OwnConsentWithdrawal {
  userId: string
  clientId: string
  origin: RequestOrigin
  now: number
}

/** Throws NotFound when the user had neither consented to the client nor signed in to it. */
export async function withdrawOwnConsent(db: Kysely<Database>, request: OwnConsentWithdrawal): Promise<void> {
  const { userId, clientId, origin, now } = request
  await db.transaction().execute(async (trx) => {
    const client = await trx.selectFrom('oidc_clients').select('name').where('id', '=', clientId).executeTakeFirst()
    if (!client || !(await withdrawConsent(trx, userId, clientId))) throw new NotFound()
    await recordAuditEvent(
      trx,
      {
        type: 'oidc_consent_withdrawn',
        userId,
        actorId: userId,
        ip: origin.ip,
        userAgent: origin.userAgent,
        detail: { client_id: clientId, client_name: client.name },
      },
      now,
    )
  })
}
