// Reads and writes of the users table that the auth context owns: credentials, role at creation, login times.
import type { Kysely } from 'kysely'
import type { Database, Role, User } from '@portcullis/shared/db/schema'
import { isUniqueViolation } from '@portcullis/shared/db/handle'
import { newId } from '@portcullis/shared/ids'
import { EmailTaken } from '@portcullis/shared/errors'
import { UsernameTaken } from '../errors.ts'

/** Usernames and emails are compared case-insensitively, so they are stored lower-cased. */
export function normalizeLogin(value: string): string {
  return value.trim().toLowerCase()
}

export async function findUserByLogin(db: Kysely<Database>, login: string): Promise<User | undefined> {
  const key = normalizeLogin(login)
  const column = key.includes('@') ? 'email' : 'username'
  return db.selectFrom('users').selectAll().where(column, '=', key).executeTakeFirst()
}

export async function findUserById(db: Kysely<Database>, id: string): Promise<User | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst()
}

export interface NewAccount {
  username: string
  email: string | null
  passwordHash: string
  role: Role
}

export async function insertUser(db: Kysely<Database>, account: NewAccount, now: number): Promise<User> {
  const user: User = {
    id: newId(),
    username: normalizeLogin(account.username),
    email: account.email === null ? null : normalizeLogin(account.email),
    display_name: null,
    password_hash: account.passwordHash,
    role: account.role,
    status: 'active',
    created_at: now,
    updated_at: now,
    last_login_at: null,
    password_changed_at: now,
    email_verified_at: null,
    pending_email: null,
  }
  try {
    await db.insertInto('users').values(user).execute()
  } catch (error) {
    if (!isUniqueViolation(error)) throw error
    const taken = await db.selectFrom('users').select('id').where('username', '=', user.username).executeTakeFirst()
    throw taken ? new UsernameTaken() : new EmailTaken()
  }
  return user
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
