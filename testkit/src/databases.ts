// Test databases: a fresh SQLite file or a fresh MariaDB database per test, dropped when the test ends.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import { createConnection } from 'mysql2/promise'
import type { DatabaseHandle, DatabaseKind } from '@portcullis/shared/db/handle'
import { connectDatabase } from '@portcullis/database/connect'
import { migrateToLatest } from '@portcullis/shared/db/migrate'
import { testSettings } from './settings.ts'

export interface TestDatabase {
  kind: DatabaseKind
  /** Environment that points a process at this database. */
  env: { DATABASE_URL?: string; DATA_DIR: string }
  handle: DatabaseHandle
  drop(): Promise<void>
}

export { testDatabaseKinds } from './settings.ts'

export function testMysqlServerUrl(): string {
  return testSettings().TEST_MYSQL_URL
}

export async function createTestDatabase(kind: DatabaseKind, options: { migrate?: boolean; mysqlServerUrl?: string } = {}): Promise<TestDatabase> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'portcullis-test-'))
  let databaseUrl: string | undefined
  let dropMysql: (() => Promise<void>) | undefined
  if (kind === 'mysql') {
    const server = options.mysqlServerUrl ?? testMysqlServerUrl()
    const name = `pc_test_${randomBytes(6).toString('hex')}`
    const admin = await createConnection({ uri: server })
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`)
    await admin.end()
    databaseUrl = `${server.replace(/\/$/, '')}/${name}`
    dropMysql = async () => {
      const conn = await createConnection({ uri: server })
      await conn.query(`DROP DATABASE IF EXISTS \`${name}\``)
      await conn.end()
    }
  }
  const handle = connectDatabase({ databaseUrl, dataDir, dbPoolSize: 5 })
  if (options.migrate !== false) await migrateToLatest(handle.db)
  const env: TestDatabase['env'] = databaseUrl ? { DATABASE_URL: databaseUrl, DATA_DIR: dataDir } : { DATA_DIR: dataDir }
  return {
    kind,
    env,
    handle,
    async drop() {
      await handle.close().catch(() => {})
      await dropMysql?.()
      await rm(dataDir, { recursive: true, force: true })
    },
  }
}
