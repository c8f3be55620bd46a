// Makes sure an admin exists: creates the account, or promotes an existing one.
import { COMMAND_LINE_ACTOR } from '@portcullis/shared/audit/parties'
import type { Kysely } from 'kysely'
import type { Database } from '@portcullis/shared/db/schema'
import { recordAuditEvent } from '@portcullis/shared/audit/record'
import type { PasswordHasher } from '../passwords/hash.ts'
import { newPasswordProblems, passwordPolicy } from '../passwords/policy.ts'
import { insertUser, normalizeLogin } from './queries.ts'

export class InvalidAdminInput extends Error {
  override name = 'InvalidAdminInput'
}

export interface AdminAccount {
  username: string
  password: string | undefined
  email?: string | undefined
}

export type AdminOutcome = 'created' | 'promoted' | 'already_admin'

const USERNAME = /^[A-Za-z0-9][A-Za-z0-9._-]{2,31}$/

export async function ensureAdmin(
  db: Kysely<Database>,
  passwords: PasswordHasher,
  account: AdminAccount,
  minPasswordLength: number,
  now: number,
): Promise<AdminOutcome> {
  if (!USERNAME.test(account.username)) {
    throw new InvalidAdminInput(`username "${account.username}" must be 3 to 32 letters, digits, dots, dashes or underscores`)
  }
  const username = normalizeLogin(account.username)
  const existing = await db.selectFrom('users').select(['id', 'role']).where('username', '=', username).executeTakeFirst()
  if (existing) {
    if (existing.role === 'admin') return 'already_admin'
    await db.updateTable('users').set({ role: 'admin', updated_at: now }).where('id', '=', existing.id).execute()
    await recordAuditEvent(db, { type: 'admin_promoted', userId: existing.id, actorId: COMMAND_LINE_ACTOR }, now)
    return 'promoted'
  }
  if (account.password === undefined) throw new InvalidAdminInput(`user "${username}" does not exist; give a password to create it`)
  const problems = newPasswordProblems('password', account.password, passwordPolicy({ passwordMinLength: minPasswordLength }), { username, email: account.email }, 'The password')
  if (problems.length > 0) throw new InvalidAdminInput(problems.map((p) => p.message).join(' '))
  const user = await insertUser(db, { username, email: account.email ?? null, passwordHash: await passwords.hash(account.password), role: 'admin' }, now)
  await recordAuditEvent(db, { type: 'admin_created', userId: user.id, actorId: COMMAND_LINE_ACTOR }, now)
  return 'created'
}

/** True when at least one active admin exists. */
export async function hasActiveAdmin(db: Kysely<Database>): Promise<boolean> {
  const row = await db.selectFrom('users').select('id').where('role', '=', 'admin').where('status', '=', 'active').executeTakeFirst()
  return row !== undefined
}
