// What is wrong with the database, in one sentence an operator can act on ("cannot reach MariaDB at db:3306 …"), for the
// errors a wrong DATABASE_URL or DATA_DIR gives; undefined for any other error, which the caller reports as it is.
import type { DatabaseConfig } from '../settings/database.ts'
import { sqliteFile } from './handle.ts'

interface CodedError {
  code?: unknown
  cause?: unknown
  errors?: unknown
}

/** The first driver or system error code in the error, its cause or the errors it groups (AggregateError). */
function errorCodes(error: unknown, depth = 0): string[] {
  if (typeof error !== 'object' || error === null || depth > 4) return []
  const { code, cause, errors } = error as CodedError
  const inner = [...(Array.isArray(errors) ? errors : []), cause].flatMap((item) => errorCodes(item, depth + 1))
  return typeof code === 'string' ? [code, ...inner] : inner
}

interface MysqlTarget {
  where: string
  host: string
  port: string
  user: string
  hasPassword: boolean
  database: string
}

function mysqlTarget(databaseUrl: string): MysqlTarget {
  const url = new URL(databaseUrl.replace(/^mariadb:/, 'mysql:'))
  const host = url.hostname
  const port = url.port || '3306'
  return {
    where: `MariaDB at ${host}:${port}`,
    host,
    port,
    user: decodeURIComponent(url.username) || 'root',
    hasPassword: url.password !== '',
    database: decodeURIComponent(url.pathname.replace(/^\//, '')),
  }
}

/** The statement that creates the database as the schema expects it (utf8mb4, case-insensitive Unicode collation). */
function createDatabaseCommand(target: MysqlTarget): string {
  const statement = `CREATE DATABASE \`${target.database.replaceAll('`', '``')}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`
  return `mysql -h ${target.host} -P ${target.port} -u ${target.user}${target.hasPassword ? ' -p' : ''} -e '${statement.replaceAll("'", "'\\''")}'`
}

function describeMysql(code: string, target: MysqlTarget): string | undefined {
  const { where } = target
  switch (code) {
    case 'ECONNREFUSED':
      return `cannot reach ${where} (connection refused): start MariaDB or MySQL there, or correct the host and port in DATABASE_URL`
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `cannot reach ${where}: the host name "${target.host}" does not resolve; correct the host in DATABASE_URL`
    case 'ETIMEDOUT':
    case 'PROTOCOL_SEQUENCE_TIMEOUT':
      return `cannot reach ${where}: the connection timed out; check the host and port in DATABASE_URL and that no firewall is in the way`
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `cannot reach ${where}: no route to that host; check the host in DATABASE_URL`
    case 'ECONNRESET':
    case 'PROTOCOL_CONNECTION_LOST':
      return `cannot reach ${where}: it closed the connection; check that DATABASE_URL names a MariaDB or MySQL server and its port`
    case 'ER_ACCESS_DENIED_ERROR':
    case 'ER_ACCESS_DENIED_NO_PASSWORD_ERROR':
    case 'ER_NOT_SUPPORTED_AUTH_MODE':
      return `${where} refused user "${target.user}" ${target.hasPassword ? 'with the password given' : 'without a password'} (access denied): correct the user and password in DATABASE_URL`
    case 'ER_DBACCESS_DENIED_ERROR':
      return `user "${target.user}" may not use database ${target.database} on ${where}: grant it with GRANT ALL ON \`${target.database}\`.* TO '${target.user}'@'%'`
    case 'ER_BAD_DB_ERROR':
      return `database ${target.database} does not exist: create it with ${createDatabaseCommand(target)}`
    case 'ER_NO_DB_ERROR':
      return `DATABASE_URL names no database: add one, as in mysql://user:password@${target.host}:${target.port}/portcullis`
    case 'ER_CON_COUNT_ERROR':
    case 'ER_TOO_MANY_USER_CONNECTIONS':
      return `${where} has no connection left (too many connections): lower DB_POOL_SIZE or raise the server's max_connections`
    case 'ER_TABLEACCESS_DENIED_ERROR':
      return `user "${target.user}" may not create or change tables in ${target.database} on ${where}: grant it ALL on that database`
    default:
      return undefined
  }
}

function describeSqlite(code: string, dataDir: string): string | undefined {
  const file = sqliteFile(dataDir)
  switch (code) {
    case 'SQLITE_CANTOPEN':
      return `cannot open the SQLite database ${file}: DATA_DIR (${dataDir}) must be a folder this user can create files in`
    case 'SQLITE_READONLY':
    case 'SQLITE_READONLY_DIRECTORY':
    case 'SQLITE_READONLY_DBMOVED':
    case 'EROFS':
    case 'EACCES':
    case 'EPERM':
      return `DATA_DIR ${dataDir} is read-only for this user, so the SQLite database ${file} cannot be written: choose another DATA_DIR or make it writable`
    case 'ENOTDIR':
    case 'EEXIST':
      return `DATA_DIR ${dataDir} is not a folder (a file is in its way): choose another DATA_DIR`
    case 'SQLITE_NOTADB':
    case 'SQLITE_CORRUPT':
      return `${file} is not a SQLite database, or is damaged: move it away, or point DATA_DIR elsewhere`
    case 'SQLITE_FULL':
    case 'ENOSPC':
      return `the disk holding DATA_DIR ${dataDir} is full: free some space`
    default:
      return undefined
  }
}

export function describeDatabaseError(error: unknown, settings: Pick<DatabaseConfig, 'databaseUrl' | 'dataDir'>): string | undefined {
  const target = settings.databaseUrl ? mysqlTarget(settings.databaseUrl) : undefined
  for (const code of errorCodes(error)) {
    const sentence = target ? describeMysql(code, target) : describeSqlite(code, settings.dataDir)
    if (sentence) return sentence
  }
  return undefined
}
