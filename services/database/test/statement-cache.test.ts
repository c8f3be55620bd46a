// The SQLite statement cache: one compiled statement per SQL text, a fresh one while it is busy iterating, the least recently used dropped.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import SQLite from 'better-sqlite3'
import t from 'tap'
import { connectDatabase, withStatementCache } from '../src/connect.ts'
import { migrateToLatest } from '@portcullis/shared/db/migrate'

t.test('the same SQL text gets the same compiled statement', async (t) => {
  const file = new SQLite(':memory:')
  t.teardown(() => file.close())
  const cache = withStatementCache(file, 2)
  const first = cache.prepare('select 1 as one')
  t.equal(cache.prepare('select 1 as one'), first)
  t.not(cache.prepare('select 2 as two'), first)
})

t.test('a statement still iterating is not handed out again', async (t) => {
  const file = new SQLite(':memory:')
  t.teardown(() => file.close())
  const cache = withStatementCache(file)
  const text = 'select value from json_each(?)'
  const streaming = cache.prepare(text) as unknown as SQLite.Statement
  const rows = streaming.iterate('[1,2,3]')
  rows.next()
  const other = cache.prepare(text) as unknown as SQLite.Statement
  t.not(other, streaming)
  t.same(other.all('[4]'), [{ value: 4 }])
  rows.return?.()
})

t.test('the least recently used statement leaves first', async (t) => {
  const file = new SQLite(':memory:')
  t.teardown(() => file.close())
  const cache = withStatementCache(file, 2)
  const a = cache.prepare('select 1')
  const b = cache.prepare('select 2')
  t.equal(cache.prepare('select 1'), a, 'touching a makes b the oldest')
  cache.prepare('select 3')
  t.equal(cache.prepare('select 1'), a)
  t.not(cache.prepare('select 2'), b, 'b was dropped and compiled again')
})

t.test('Kysely on the cached connection reads, writes and migrates as before', async (t) => {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'portcullis-cache-'))
  const handle = connectDatabase({ databaseUrl: undefined, dataDir, dbPoolSize: 1 })
  t.teardown(async () => {
    await handle.close()
    await rm(dataDir, { recursive: true, force: true })
  })
  await migrateToLatest(handle.db)
  const user = {
    id: 'u-1',
    username: 'alice',
    email: null,
    display_name: null,
    password_hash: 'x',
    role: 'user' as const,
    status: 'active' as const,
    created_at: 1,
    updated_at: 1,
    last_login_at: null,
    password_changed_at: 1,
  }
  await handle.db.insertInto('users').values(user).execute()
  for (const at of [2, 3]) await handle.db.updateTable('users').set({ updated_at: at }).where('id', '=', 'u-1').execute()
  const found = await handle.db.selectFrom('users').select(['username', 'updated_at']).where('id', '=', 'u-1').executeTakeFirst()
  t.same(found, { username: 'alice', updated_at: 3 })
  await t.rejects(handle.db.insertInto('users').values(user).execute(), /UNIQUE/)
})
