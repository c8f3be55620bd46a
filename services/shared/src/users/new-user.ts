// A new account's row, the one way every context makes one (auth's sign-up and first admin, admin's invitations): names
// stored lower-cased, a taken username or email answered as such.
import type { Kysely } from 'kysely'
import { isUniqueViolation } from '../db/handle.ts'
import type { Database, Role, User } from '../db/schema.ts'
import { EmailTaken, UsernameTaken } from '../errors.ts'
import { newId } from '../ids.ts'

/** Usernames and emails are compared case-insensitively, so they are stored lower-cased. */
export function normalizeLogin(value: string): string {
  return value.trim().toLowerCase()
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
