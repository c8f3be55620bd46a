// An admin changes a user's role or status. The last active admin stays an active admin, and the change and the revocations it
// implies (a role change voids the user's access tokens, a disable ends every session) commit together or not at all.
import type { Kysely } from 'kysely'
import type { DatabaseHandle } from '@portcullis/shared/db/handle'
import type { Database, Role, User, UserStatus } from '@portcullis/shared/db/schema'
import { recordAuditEvent } from '@portcullis/shared/audit/record'
import { revokeUserAccessTokens, revokeUserSessions } from '@portcullis/shared/sessions/revoke'
import { writeTransaction } from '../db/write-transaction.ts'
import type { Actor } from './actor.ts'
import { Forbidden, NotFound } from '@portcullis/shared/errors'
import { LastAdmin } from '../errors.ts'

export interface UserChange {
  role?: Role
  status?: UserStatus
}

export interface UserChangeDependencies {
  database: DatabaseHandle
  /** ACCESS_TOKEN_TTL: how long a revocation must stay in the feed. */
  accessTokenTtl: number
}

function isActiveAdmin(user: Pick<User, 'role' | 'status'>): boolean {
  return user.role === 'admin' && user.status === 'active'
}

/** The active admins, locked on MySQL so two admins demoting each other at once are judged one after the other. */
async function lockActiveAdmins(trx: Kysely<Database>, database: DatabaseHandle): Promise<string[]> {
  let query = trx.selectFrom('users').select('id').where('role', '=', 'admin').where('status', '=', 'active').orderBy('id')
  if (database.kind === 'mysql') query = query.forUpdate()
  return (await query.execute()).map((row) => row.id)
}

async function lockUser(trx: Kysely<Database>, database: DatabaseHandle, id: string): Promise<User | undefined> {
  let query = trx.selectFrom('users').selectAll().where('id', '=', id)
  if (database.kind === 'mysql') query = query.forUpdate()
  return query.executeTakeFirst()
}

async function applyChange(
  deps: UserChangeDependencies,
  targetId: string,
  change: UserChange,
  actor: Actor,
  now: number,
): Promise<{ before: User; after: User }> {
  return writeTransaction(deps.database, async (trx) => {
    // Admins first, then the target: every change takes its locks in this order, so none can deadlock another.
    const activeAdmins = await lockActiveAdmins(trx, deps.database)
    // The actor may have lost the role while this request waited for the lock.
    if (!activeAdmins.includes(actor.userId)) throw new Forbidden()
    const before = await lockUser(trx, deps.database, targetId)
    if (!before) throw new NotFound()
    const after: User = { ...before, role: change.role ?? before.role, status: change.status ?? before.status }
    if (isActiveAdmin(before) && !isActiveAdmin(after) && activeAdmins.length <= 1) throw new LastAdmin()
    if (after.role === before.role && after.status === before.status) return { before, after: before }

    after.updated_at = now
    await trx.updateTable('users').set({ role: after.role, status: after.status, updated_at: now }).where('id', '=', targetId).execute()
    // Tokens carry the role: a role change voids the user's access tokens (their next refresh carries the new role); a
    // disable ends every session. In this transaction, so a change is never saved without its revocations.
    if (after.role !== before.role || after.status === 'disabled') await revokeUserAccessTokens(trx, targetId, now, deps.accessTokenTtl)
    if (after.status === 'disabled') await revokeUserSessions(trx, targetId, 'disabled', now, deps.accessTokenTtl)
    if (after.role !== before.role) {
      await recordAuditEvent(
        trx,
        {
          type: 'role_changed',
          userId: targetId,
          actorId: actor.userId,
          ip: actor.ip,
          userAgent: actor.userAgent,
          detail: { from: before.role, to: after.role },
        },
        now,
      )
    }
    if (after.status !== before.status) {
      await recordAuditEvent(
        trx,
        {
          type: after.status === 'disabled' ? 'user_disabled' : 'user_enabled',
          userId: targetId,
          actorId: actor.userId,
          ip: actor.ip,
          userAgent: actor.userAgent,
        },
        now,
      )
    }
    return { before, after }
  })
}

export async function changeUser(deps: UserChangeDependencies, targetId: string, change: UserChange, actor: Actor, now: number): Promise<User> {
  return (await applyChange(deps, targetId, change, actor, now)).after
}
