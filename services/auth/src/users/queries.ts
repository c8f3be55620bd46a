// Reads and writes of the users table that the auth context owns: credentials and login times (a new account's row is
// services/shared/src/users/new-user.ts's, since admin invites make them too).
import type { Kysely } from 'kysely'
import type { Database, User } from '@portcullis/shared/db/schema'
import { normalizeLogin } from '@portcullis/shared/users/new-user'

export async function findUserByLogin(db: Kysely<Database>, login: string): Promise<User | undefined> {
  const key = normalizeLogin(login)
  const column = key.includes('@') ? 'email' : 'username'
  return db.selectFrom('users').selectAll().where(column, '=', key).executeTakeFirst()
}

export async function findUserById(db: Kysely<Database>, id: string): Promise<User | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst()
}

export async function setPasswordHash(db: Kysely<Database>, userId: string, passwordHash: string, now: number, changed: boolean): Promise<void> {
  await db
    .updateTable('users')
    .set(changed ? { password_hash: passwordHash, password_changed_at: now, updated_at: now } : { password_hash: passwordHash })
    .where('id', '=', userId)
    .execute()
}

export async function recordLogin(db: Kysely<Database>, userId: string, now: number): Promise<void> {
  await db.updateTable('users').set({ last_login_at: now }).where('id', '=', userId).execute()
}
