// Makes sure an admin exists: creates the account, or promotes an existing one, and sets an existing one's password when the
// command line gives one (ending its sessions, as any password change does).
import { COMMAND_LINE_ACTOR } from '@portcullis/shared/audit/parties'
import type { Kysely } from 'kysely'
import type { AuthConfig } from '../config.ts'
import type { Database } from '@portcullis/shared/db/schema'
import { recordAuditEvent } from '@portcullis/shared/audit/record'
import type { PasswordHasher } from '../passwords/hash.ts'
import { newPasswordProblems, passwordPolicy } from '../passwords/policy.ts'
import { revokeUserSessions } from '@portcullis/shared/sessions/revoke'
import { insertUser, normalizeLogin } from '@portcullis/shared/users/new-user'
import { setPasswordHash } from './queries.ts'

export class InvalidAdminInput extends Error {
  override name = 'InvalidAdminInput'
}

export interface AdminAccount {
  username: string
  password: string | undefined
  email?: string | undefined
}

export type AdminOutcome = 'created' | 'promoted' | 'already_admin'

/**
 * What a password given for a user that already exists does: `set` makes it theirs (`pnpm create-admin --password`); `keep`
 * leaves theirs (`pnpm start`'s ADMIN_PASSWORD, which only creates the first admin, so a restart never ends sessions).
 */
export type ExistingPassword = 'set' | 'keep'

export interface AdminResult {
  outcome: AdminOutcome
  /** The password given was set on the existing user. */
  passwordSet: boolean
  /** How many of its sessions ended with that change. */
  sessionsRevoked: number
  /** A password was given for an existing user, differs from theirs, and was left as it was (`keep`). */
  passwordNotApplied: boolean
}

export type AdminSettings = Pick<AuthConfig, 'passwordMinLength' | 'accessTokenTtl'>

const USERNAME = /^[A-Za-z0-9][A-Za-z0-9._-]{2,31}$/

function checkPassword(password: string, settings: AdminSettings, context: { username: string; email: string | null | undefined }): void {
  const problems = newPasswordProblems('password', password, passwordPolicy(settings), context, 'The password')
  if (problems.length > 0) throw new InvalidAdminInput(problems.map((p) => p.message).join(' '))
}

export async function ensureAdmin(
  db: Kysely<Database>,
  passwords: PasswordHasher,
  account: AdminAccount,
  settings: AdminSettings,
  now: number,
  existingPassword: ExistingPassword = 'set',
): Promise<AdminResult> {
  if (!USERNAME.test(account.username)) {
    throw new InvalidAdminInput(`username "${account.username}" must be 3 to 32 letters, digits, dots, dashes or underscores`)
  }
  const username = normalizeLogin(account.username)
  const existing = await db.selectFrom('users').select(['id', 'role', 'email', 'password_hash']).where('username', '=', username).executeTakeFirst()
  const unchanged = { passwordSet: false, sessionsRevoked: 0, passwordNotApplied: false }

  if (!existing) {
    if (account.password === undefined) throw new InvalidAdminInput(`user "${username}" does not exist; give a password to create it`)
    checkPassword(account.password, settings, { username, email: account.email })
    const user = await insertUser(db, { username, email: account.email ?? null, passwordHash: await passwords.hash(account.password), role: 'admin' }, now)
    await recordAuditEvent(db, { type: 'admin_created', userId: user.id, actorId: COMMAND_LINE_ACTOR }, now)
    return { outcome: 'created', ...unchanged }
  }

  const outcome: AdminOutcome = existing.role === 'admin' ? 'already_admin' : 'promoted'
  const password = account.password
  // Checked before anything is written: a refused password leaves the user as it was, not promoted.
  if (password !== undefined && existingPassword === 'set') checkPassword(password, settings, { username, email: existing.email })
  const isCurrent = password !== undefined && (await passwords.verify(existing.password_hash, password))
  const setting = password !== undefined && existingPassword === 'set' && !isCurrent
  const passwordHash = setting ? await passwords.hash(password) : undefined

  // The promotion, the new password and the end of the sessions it implies are one change: all of it or none.
  const sessionsRevoked = await db.transaction().execute(async (trx) => {
    if (outcome === 'promoted') {
      await trx.updateTable('users').set({ role: 'admin', updated_at: now }).where('id', '=', existing.id).execute()
      await recordAuditEvent(trx, { type: 'admin_promoted', userId: existing.id, actorId: COMMAND_LINE_ACTOR }, now)
    }
    if (passwordHash === undefined) return 0
    await setPasswordHash(trx, existing.id, passwordHash, now, true)
    const revoked = await revokeUserSessions(trx, existing.id, 'password_changed', now, settings.accessTokenTtl)
    await recordAuditEvent(
      trx,
      { type: 'password_changed', userId: existing.id, actorId: COMMAND_LINE_ACTOR, detail: { by: 'create-admin', sessions_revoked: revoked } },
      now,
    )
    return revoked
  })
  return {
    outcome,
    passwordSet: passwordHash !== undefined,
    sessionsRevoked,
    passwordNotApplied: password !== undefined && existingPassword === 'keep' && !isCurrent,
  }
}

/** True when at least one active admin exists. */
export async function hasActiveAdmin(db: Kysely<Database>): Promise<boolean> {
  const row = await db.selectFrom('users').select('id').where('role', '=', 'admin').where('status', '=', 'active').executeTakeFirst()
  return row !== undefined
}
