// A user's live sessions (the sessions page, the dashboard) are read through (user_id, revoked_at, expires_at): with only
// (user_id, revoked_at), SQLite's planner preferred sessions_live (revoked_at, expires_at) and read every live session of
// every user to keep one user's (issue 17). The old index is a prefix of the new one, which also serves the foreign key.
import { type Kysely, SqliteAdapter } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('sessions_user_live').on('sessions').columns(['user_id', 'revoked_at', 'expires_at']).execute()
  // SQLite names indexes per schema; MySQL needs the table.
  const drop = db.schema.dropIndex('sessions_user_id')
  await (db.getExecutor().adapter instanceof SqliteAdapter ? drop : drop.on('sessions')).execute()
}
