// The usernames of every admin, active or not: the names a new name must not look like. Admins are few; one indexed read.
import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.ts'

export async function adminUsernames(db: Kysely<Database>): Promise<string[]> {
  return (await db.selectFrom('users').select('username').where('role', '=', 'admin').execute()).map((row) => row.username)
}
