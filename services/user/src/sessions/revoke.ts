// Ending one of one's own sessions: the session rules' own module does it (services/shared/src/sessions/revoke.ts), in one
// transaction with its audit event, so the session ends even when the auth service is away.
import type { Kysely } from 'kysely'
import { recordAuditEvent } from '@portcullis/shared/audit/record'
import type { Database } from '@portcullis/shared/db/schema'
import { NotFound } from '@portcullis/shared/errors'
import type { RequestOrigin } from '@portcullis/shared/request-origin'
import type { SessionLifetime } from '@portcullis/shared/sessions/liveness'
import { revokeSession } from '@portcullis/shared/sessions/revoke'
import { findLiveSession } from './queries.ts'

export interface OwnSessionRevocation {
  userId: string
  sessionId: string
  origin: RequestOrigin
  now: number
  lifetime: SessionLifetime
  accessTokenTtl: number
}

/** Throws NotFound unless the session is the user's and live. */
export async function revokeOwnSession(db: Kysely<Database>, request: OwnSessionRevocation): Promise<void> {
  const { userId, sessionId, origin, now } = request
  await db.transaction().execute(async (trx) => {
    const session = await findLiveSession(trx, userId, sessionId, now, request.lifetime)
    if (!session) throw new NotFound()
    if (await revokeSession(trx, session.id, 'user', now, request.accessTokenTtl)) {
      await recordAuditEvent(
        trx,
        { type: 'session_revoked', userId, actorId: userId, ip: origin.ip, userAgent: origin.userAgent, detail: { session_id: session.id } },
        now,
      )
    }
  })
}
