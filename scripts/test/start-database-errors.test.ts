// pnpm start on a database it cannot use says what is wrong in one sentence and exits non-zero, with no stack trace and
// nothing left running.
import { writeFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import t, { type Test } from 'tap'
import { freePort } from '@portcullis/testkit/processes'
import { testDatabaseKinds, testMysqlServerUrl } from '@portcullis/testkit/databases'
import { LIGHT_SETTINGS, runStack } from '@portcullis/testkit/stack-run'

const start = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../start.ts')
const server = new URL(testMysqlServerUrl())
const hostPort = `${server.hostname}:${server.port || '3306'}`

async function failsWith(t: Test, env: Record<string, string>, sentence: string) {
  const dir = await mkdtemp(path.join(tmpdir(), 'portcullis-dberror-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const stack = runStack(start, { ...LIGHT_SETTINGS, PORT: String(await freePort()), DATA_DIR: dir, ...env })
  t.teardown(() => stack.stop('SIGKILL'))
  const code = await Promise.race([stack.exited, new Promise((resolve) => setTimeout(() => resolve('still running'), 30_000))])
  t.ok(typeof code === 'number' && code !== 0, `exits non-zero (${code})`)
  t.match(stack.output(), `portcullis: ${sentence}`, 'says what is wrong')
  t.notMatch(stack.output(), /\n\s+at |migration \(unknown\)|ready at/, 'no stack trace, and it never claims to be ready')
}

t.test('MariaDB not reachable', async (t) => {
  await failsWith(t, { DATABASE_URL: 'mysql://root@127.0.0.1:1/x' }, 'cannot reach MariaDB at 127.0.0.1:1 (connection refused)')
})

t.test('a host name that does not resolve', async (t) => {
  await failsWith(t, { DATABASE_URL: 'mysql://root@no-such-host.invalid/x' }, 'cannot reach MariaDB at no-such-host.invalid:3306: the host name')
})

t.test('a database that does not exist', { skip: !testDatabaseKinds().includes('mysql') && 'no mysql' }, async (t) => {
  await failsWith(
    t,
    { DATABASE_URL: `mysql://root@${hostPort}/pc_start_missing` },
    `database pc_start_missing does not exist: create it with mysql -h ${server.hostname} -P ${server.port || '3306'} -u root -e 'CREATE DATABASE \`pc_start_missing\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci'`,
  )
})

t.test('a user MariaDB refuses', { skip: !testDatabaseKinds().includes('mysql') && 'no mysql' }, async (t) => {
  await failsWith(
    t,
    { DATABASE_URL: `mysql://pc_nobody:guess@${hostPort}/x` },
    `MariaDB at ${hostPort} refused user "pc_nobody" with the password given (access denied)`,
  )
})

t.test('a DATA_DIR that is not a folder, or holds something that is not a SQLite database', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'portcullis-dberror-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  writeFileSync(path.join(dir, 'file'), '')
  await failsWith(t, { DATA_DIR: path.join(dir, 'file') }, `DATA_DIR ${path.join(dir, 'file')} is not a folder`)
  writeFileSync(path.join(dir, 'portcullis.db'), 'plain text where the database should be, long enough to be read as a header')
  await failsWith(t, { DATA_DIR: dir }, `${path.join(dir, 'portcullis.db')} is not a SQLite database, or is damaged`)
})
