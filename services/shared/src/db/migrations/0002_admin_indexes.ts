// Indexes for the admin service: every filter × sort of the user list is a LIMIT over an ordered index range, and live sessions are counted from an index.
import type { Kysely } from 'kysely'

/** One index per (filter, sort key) so a page never sorts or skips rows; the unfiltered sorts use users_created_at_id and the username key. */
const USER_LIST_INDEXES: Array<[name: string, columns: string[]]> = [
  ['users_role_created_at', ['role', 'created_at', 'id']],
  ['users_status_created_at', ['status', 'created_at', 'id']],
  ['users_role_status_created_at', ['role', 'status', 'created_at', 'id']],
  ['users_username_id', ['username', 'id']],
  ['users_role_username', ['role', 'username', 'id']],
  ['users_status_username', ['status', 'username', 'id']],
  ['users_role_status_username', ['role', 'status', 'username', 'id']],
]

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const [name, columns] of USER_LIST_INDEXES) {
    await db.schema.createIndex(name).on('users').columns(columns).execute()
  }
  // The dashboard's count of live sessions: not revoked, not expired.
  await db.schema.createIndex('sessions_live').on('sessions').columns(['revoked_at', 'expires_at']).execute()
}
