// The revocation feed pages in (at, id) order, so that a page boundary inside one millisecond loses no row.
import { type Kysely, SqliteAdapter } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('token_revocations_at_id').on('token_revocations').columns(['at', 'id']).execute()
  // The old (at) index is a prefix of the new one. SQLite names indexes per schema; MySQL needs the table.
  const drop = db.schema.dropIndex('token_revocations_at')
  await (db.getExecutor().adapter instanceof SqliteAdapter ? drop : drop.on('token_revocations')).execute()
}
