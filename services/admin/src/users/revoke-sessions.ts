// An admin ends every session of a user and voids their access tokens, with one audit event naming the admin, in one transaction.
import type { Kysely } from 'kysely'
import { recordAuditEvent } from '@portcullis/shared/audit/record'
import type { Database } from '@portcullis/shared/db/schema'
import { NotFound } from '@portcullis/shared/errors'
import { revokeUserAccessTokens, revokeUserSessions as endUserSessions } from '@portcullis/shared/sessions/revoke'
import type { Actor } from './actor.ts'

/** Returns how many sessions were live and are now revoked. */
export async function revokeUserSessions(db: Kysely<Database>, userId: string, actor: Actor, now: number, accessTokenTtl: number): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const user = await trx.selectFrom('users').select('id').where('id', '=', userId).executeTakeFirst()
    if (!user) throw new NotFound()
    const revoked = await endUserSessions(trx, user.id, 'admin', now, accessTokenTtl)
    await revokeUserAccessTokens(trx, user.id, now, accessTokenTtl)
    await recordAuditEvent(
      trx,
      { type: 'sessions_revoked', userId: user.id, actorId: actor.userId, ip: actor.ip, userAgent: actor.userAgent, detail: { sessions: revoked } },
      now,
    )
    return revoked
  })
}
