// The embedded database holds password hashes and signing keys: its file and its WAL and shared-memory files are readable
// by this user alone, even in a DATA_DIR that others may read, and even when the file was made with looser rights before.
import { chmod, mkdtemp, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import t from 'tap'
import { sqliteFile } from '@portcullis/shared/db/handle'
import { connectDatabase } from '../src/connect.ts'
import { migrateToLatest } from '@portcullis/shared/db/migrate'

async function modeOf(file: string): Promise<string> {
  return ((await stat(file)).mode & 0o777).toString(8)
}

t.test('portcullis.db, -wal and -shm are 0600 in a DATA_DIR that already existed as 0755', async (t) => {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'portcullis-modes-'))
  t.teardown(() => rm(dataDir, { recursive: true, force: true }))
  await chmod(dataDir, 0o755)
  const previous = process.umask(0o022)
  t.teardown(() => process.umask(previous))
  const database = connectDatabase({ databaseUrl: undefined, dataDir, dbPoolSize: 1 })
  t.teardown(() => database.close())
  await migrateToLatest(database.db)
  const file = sqliteFile(dataDir)
  for (const name of [file, `${file}-wal`, `${file}-shm`]) t.equal(await modeOf(name), '600', path.basename(name))
})

t.test('a database file made 0644 before is tightened when it is opened', async (t) => {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'portcullis-modes-'))
  t.teardown(() => rm(dataDir, { recursive: true, force: true }))
  const file = sqliteFile(dataDir)
  await writeFile(file, '', { mode: 0o644 })
  await chmod(file, 0o644)
  const database = connectDatabase({ databaseUrl: undefined, dataDir, dbPoolSize: 1 })
  t.teardown(() => database.close())
  await migrateToLatest(database.db)
  t.equal(await modeOf(file), '600')
  t.equal(await modeOf(`${file}-wal`), '600')
})
