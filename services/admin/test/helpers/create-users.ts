// Many users at once, straight into the users table, for the paging tests.
import type { Kysely } from 'kysely'
import type { Database, NewUser, Role, UserStatus } from '@portcullis/shared/db/schema'
import { newId } from '@portcullis/shared/ids'

export interface UserSpec {
  username: string
  email?: string | null
  role?: Role
  status?: UserStatus
  created_at: number
}

const BATCH = 1000

export function userRow(user: UserSpec): NewUser {
  return {
    id: newId(),
    username: user.username,
    email: user.email ?? null,
    display_name: null,
    password_hash: 'not-a-hash',
    role: user.role ?? 'user',
    status: user.status ?? 'active',
    created_at: user.created_at,
    updated_at: user.created_at,
    last_login_at: null,
    password_changed_at: user.created_at,
  }
}

/** Inserts in batches of 1000 rows; returns the rows as inserted. */
export async function createUsers(db: Kysely<Database>, users: UserSpec[]): Promise<NewUser[]> {
  const rows = users.map(userRow)
  for (let start = 0; start < rows.length; start += BATCH) {
    await db
      .insertInto('users')
      .values(rows.slice(start, start + BATCH))
      .execute()
  }
  return rows
}
