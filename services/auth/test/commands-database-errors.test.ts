// The commands say what is wrong with the database (unreachable, unknown host, wrong password, missing database, unusable
// DATA_DIR) in one sentence an operator can act on, exit non-zero, and print no stack trace.
import { writeFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import t from 'tap'
import { describeDatabaseError } from '@portcullis/shared/db/describe-error'
import { testDatabaseKinds, testMysqlServerUrl } from '@portcullis/testkit/databases'
import { runCommand as run } from '@portcullis/testkit/auth-commands'

const server = new URL(testMysqlServerUrl())
const mysqlAt = (database: string, user = 'root', password = '') =>
  `mysql://${user}${password ? `:${password}` : ''}@${server.hostname}:${server.port || '3306'}/${database}`

const COMMANDS: Array<[string, string[]]> = [
  ['migrate', []],
  ['create-admin', ['--username', 'root', '--password', 'a sturdy admin passphrase']],
  ['rotate-keys', []],
  ['create-client', ['--name', 'reporting']],
]

t.test('every command names an unreachable MariaDB', async (t) => {
  for (const [command, args] of COMMANDS) {
    const result = run(command, args, { DATABASE_URL: 'mysql://root@127.0.0.1:1/portcullis' })
    t.not(result.status, 0, `${command} fails`)
    t.match(result.stderr, `${command}: cannot reach MariaDB at 127.0.0.1:1 (connection refused)`, `${command} says so`)
    t.notMatch(result.stderr, /\n\s+at |migration \(unknown\)/, `${command}: no stack trace, no "migration (unknown) failed"`)
  }
})

t.test('an unknown host and an unusable DATA_DIR', async (t) => {
  const unknownHost = run('migrate', [], { DATABASE_URL: 'mysql://root@no-such-host.invalid:3306/portcullis' })
  t.equal(unknownHost.status, 1)
  t.match(unknownHost.stderr, 'cannot reach MariaDB at no-such-host.invalid:3306: the host name "no-such-host.invalid" does not resolve')
  const dir = await mkdtemp(path.join(tmpdir(), 'portcullis-datadir-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const file = path.join(dir, 'a-file')
  writeFileSync(file, '')
  const notAFolder = run('migrate', [], { DATA_DIR: file })
  t.equal(notAFolder.status, 1)
  t.match(notAFolder.stderr, `migrate: DATA_DIR ${file} is not a folder`)
  writeFileSync(path.join(dir, 'portcullis.db'), 'not a database at all, just some text that is long enough to be read as a header')
  const notADatabase = run('migrate', [], { DATA_DIR: dir })
  t.equal(notADatabase.status, 1)
  t.match(notADatabase.stderr, `migrate: ${path.join(dir, 'portcullis.db')} is not a SQLite database, or is damaged`)
})

t.test(
  'on a MariaDB server: a database that does not exist, and a user it refuses',
  { skip: !testDatabaseKinds().includes('mysql') && 'no mysql' },
  async (t) => {
    const missing = run('migrate', [], { DATABASE_URL: mysqlAt('pc_no_such_database') })
    t.equal(missing.status, 1)
    t.match(
      missing.stderr,
      `migrate: database pc_no_such_database does not exist: create it with mysql -h ${server.hostname} -P ${server.port || '3306'} -u root -e 'CREATE DATABASE \`pc_no_such_database\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci'`,
    )
    const denied = run('migrate', [], { DATABASE_URL: mysqlAt('portcullis', 'pc_nobody', 'wrong') })
    t.equal(denied.status, 1)
    t.match(denied.stderr, /refused user "pc_nobody" with the password given \(access denied\): correct the user and password in DATABASE_URL/)
    t.notMatch(denied.stderr, /wrong/, 'the password is never printed')
  },
)

t.test('the sentences for errors a test cannot provoke here', async (t) => {
  const mysql = { databaseUrl: 'mysql://app:secret@db.internal:3307/portcullis', dataDir: '/var/lib/portcullis' }
  const sqlite = { databaseUrl: undefined, dataDir: '/var/lib/portcullis' }
  const wrapped = (code: string) => new Error('migration (unknown) failed', { cause: Object.assign(new Error('driver'), { code }) })
  t.match(describeDatabaseError(wrapped('ETIMEDOUT'), mysql), /^cannot reach MariaDB at db\.internal:3307: the connection timed out/)
  t.match(
    describeDatabaseError(new AggregateError([Object.assign(new Error(), { code: 'ECONNREFUSED' })]), mysql),
    /^cannot reach MariaDB at db\.internal:3307 \(connection refused\)/,
  )
  t.match(describeDatabaseError(wrapped('ER_DBACCESS_DENIED_ERROR'), mysql), /user "app" may not use database portcullis on MariaDB at db\.internal:3307/)
  t.match(
    describeDatabaseError(wrapped('ER_BAD_DB_ERROR'), mysql),
    /-u app -p -e 'CREATE DATABASE `portcullis` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci'$/,
  )
  t.notMatch(describeDatabaseError(wrapped('ER_ACCESS_DENIED_ERROR'), mysql), /secret/, 'never the password')
  t.match(describeDatabaseError(wrapped('SQLITE_READONLY'), sqlite), /^DATA_DIR \/var\/lib\/portcullis is read-only for this user/)
  t.match(describeDatabaseError(wrapped('EROFS'), sqlite), /read-only/)
  t.match(describeDatabaseError(wrapped('SQLITE_CANTOPEN'), sqlite), /^cannot open the SQLite database \/var\/lib\/portcullis\/portcullis\.db/)
  t.equal(describeDatabaseError(new Error('a bug'), mysql), undefined, 'anything else is left to the caller')
})
