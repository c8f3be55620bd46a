// An admin changes a user's role or status. The last active admin stays an active admin, and the change reaches auth as revocations.
import type { Kysely } from 'kysely'
import type { DatabaseHandle } from '@portcullis/shared/db/connect'
import type { Database, Role, User, UserStatus } from '@portcullis/shared/db/schema'
import { Forbidden, LastAdmin, NotFound, ServiceUnavailable } from '@portcullis/shared/errors'
import type { AuthClient } from '@portcullis/shared/internal/auth-client'
import { recordAuditEvent } from '@portcullis/shared/audit/record'
import { writeTransaction } from '../db/write-transaction.ts'
import type { Actor } from './actor.ts'

export interface UserChange {
  role?: Role
  status?: UserStatus
}

export interface UserChangeDependencies {
  database: DatabaseHandle
  authClient: AuthClient
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

/**
 * Tokens carry the role, so a role change voids the user's access tokens (their next refresh carries the new role); disabling
 * ends every session. Asking to disable a user who already is disabled ends their sessions again, so a retry after auth was
 * unreachable finishes the job.
 */
async function revokeAfterChange(authClient: AuthClient, before: User, after: User, change: UserChange): Promise<void> {
  try {
    if (after.role !== before.role) await authClient.revokeUserTokens(after.id)
    if (change.status === 'disabled') await authClient.revokeUserSessions(after.id)
  } catch (error) {
    const unavailable = new ServiceUnavailable(undefined, { cause: error })
    unavailable.message = "The change was saved, but the auth service could not revoke the user's tokens or sessions; send it again"
    throw unavailable
  }
}

export async function changeUser(deps: UserChangeDependencies, targetId: string, change: UserChange, actor: Actor, now: number): Promise<User> {
  const { before, after } = await applyChange(deps, targetId, change, actor, now)
  await revokeAfterChange(deps.authClient, before, after, change)
  return after
}
