// pnpm migrate: brings the database schema to the latest migration.
import { migrateToLatest } from '@portcullis/shared/db/migrate'
import { runCommand } from './run-command.ts'

await runCommand('migrate', 'usage: pnpm migrate   (uses DATABASE_URL, or the SQLite file in DATA_DIR)', {}, async (_args, { database }) => {
  const results = await migrateToLatest(database.db)
  const applied = results.filter((r) => r.status === 'Success').map((r) => r.migrationName)
  console.log(applied.length > 0 ? `migrate: applied ${applied.join(', ')} on ${database.kind}` : `migrate: ${database.kind} database is up to date`)
})
