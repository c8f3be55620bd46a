// Opens the one database: a mysql2 pool when DATABASE_URL is set, else the embedded SQLite file in DATA_DIR. Its own package,
// so that a process without a database (the gateway) carries neither driver.
import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs'
import SQLite from 'better-sqlite3'
import { Kysely, MysqlDialect, SqliteDialect, type SqliteDatabase, sql } from 'kysely'
import { createPool } from 'mysql2'
import type { DatabaseHandle, DatabaseKind } from '@portcullis/shared/db/handle'
import { sqliteFile } from '@portcullis/shared/db/handle'
import type { Database } from '@portcullis/shared/db/schema'
import type { DatabaseConfig } from '@portcullis/shared/settings/database'

export function connectDatabase(settings: DatabaseConfig): DatabaseHandle {
  const db = settings.databaseUrl ? openMysql(settings.databaseUrl, settings.dbPoolSize) : openSqlite(settings.dataDir)
  const kind: DatabaseKind = settings.databaseUrl ? 'mysql' : 'sqlite'
  return {
    db,
    kind,
    async ping() {
      await sql`select 1`.execute(db)
    },
    async close() {
      await db.destroy()
    },
  }
}

function openMysql(databaseUrl: string, poolSize: number): Kysely<Database> {
  const url = new URL(databaseUrl.replace(/^mariadb:/, 'mysql:'))
  const pool = createPool({
    host: url.hostname,
    port: url.port ? Number(url.port) : 3306,
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    database: url.pathname.replace(/^\//, ''),
    connectionLimit: poolSize,
    maxIdle: poolSize,
    enableKeepAlive: true,
    connectTimeout: 5000,
    supportBigNumbers: true,
    bigNumberStrings: false,
    decimalNumbers: true,
    timezone: 'Z',
    charset: 'utf8mb4_unicode_ci',
  })
  return new Kysely<Database>({ dialect: new MysqlDialect({ pool }) })
}

/** Statements kept compiled per SQLite connection; the app issues a few dozen distinct ones. */
const STATEMENT_CACHE_SIZE = 256

/**
 * Kysely prepares every query anew, and better-sqlite3 compiles SQL on every prepare(): keep each statement compiled, by its text,
 * least recently used out first. A statement still iterating (a streamed select) is busy, so that query gets a fresh one.
 */
export function withStatementCache(file: SQLite.Database, size = STATEMENT_CACHE_SIZE): SqliteDatabase {
  const statements = new Map<string, SQLite.Statement>()
  return {
    close: () => file.close(),
    prepare(text: string) {
      const cached = statements.get(text)
      statements.delete(text)
      const statement = cached && !cached.busy ? cached : file.prepare(text)
      statements.set(text, statement)
      if (statements.size > size) statements.delete(statements.keys().next().value as string)
      return statement
    },
  }
}

/** The database file and its WAL and shared-memory files: readable by this user alone, whatever the folder allows. */
const PRIVATE_FILE = 0o600

function keepPrivate(filename: string): void {
  try {
    chmodSync(filename, PRIVATE_FILE)
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'ENOENT') throw error
  }
}

function openSqlite(dataDir: string): Kysely<Database> {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 })
  const databaseFile = sqliteFile(dataDir)
  // Created (or tightened) before SQLite opens it: SQLite gives the -wal and -shm files the database file's mode.
  closeSync(openSync(databaseFile, 'a', PRIVATE_FILE))
  keepPrivate(databaseFile)
  const file = new SQLite(databaseFile)
  file.pragma('journal_mode = WAL')
  for (const companion of [`${databaseFile}-wal`, `${databaseFile}-shm`]) keepPrivate(companion)
  file.pragma('synchronous = NORMAL')
  file.pragma('busy_timeout = 5000')
  file.pragma('foreign_keys = ON')
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(file) }) })
}
