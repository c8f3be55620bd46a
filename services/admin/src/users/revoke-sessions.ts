// An admin ends every session of a user; auth does the revoking, the audit log records which admin asked.
import type { Kysely } from 'kysely'
import type { Database } from '@portcullis/shared/db/schema'
import { NotFound } from '@portcullis/shared/errors'
import type { AuthClient } from '@portcullis/shared/internal/auth-client'
import { recordAuditEvent } from '@portcullis/shared/audit/record'
import type { Actor } from './actor.ts'

export interface SessionRevocationDependencies {
  db: Kysely<Database>
  authClient: AuthClient
}

/** Returns how many sessions were live and are now revoked. */
export async function revokeUserSessions(deps: SessionRevocationDependencies, userId: string, actor: Actor, now: number): Promise<number> {
  const user = await deps.db.selectFrom('users').select('id').where('id', '=', userId).executeTakeFirst()
  if (!user) throw new NotFound()
  const revoked = await deps.authClient.revokeUserSessions(user.id)
  await recordAuditEvent(
    deps.db,
    { type: 'sessions_revoked', userId: user.id, actorId: actor.userId, ip: actor.ip, userAgent: actor.userAgent, detail: { sessions: revoked } },
    now,
  )
  return revoked
}
