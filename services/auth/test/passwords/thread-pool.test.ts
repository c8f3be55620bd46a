// The size of libuv's thread pool, where argon2 hashes: one thread per core, at least libuv's four, the operator's value first.
import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { createTestDatabase } from '@portcullis/testkit/databases'
import { startService } from '@portcullis/testkit/processes'
import { threadPoolSize } from '../../src/config.ts'
import { TEST_ENV } from '@portcullis/testkit/auth-app'

const server = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/server.ts')

t.test('one thread per core on a larger machine', async (t) => {
  t.equal(threadPoolSize({}, 16), '16')
})

t.test("never fewer than libuv's default of four", async (t) => {
  t.equal(threadPoolSize({}, 2), '4')
  t.equal(threadPoolSize({}, 1), '4')
})

t.test('UV_THREADPOOL_SIZE set by the operator wins', async (t) => {
  t.equal(threadPoolSize({ UV_THREADPOOL_SIZE: '2' }, 16), '2')
  t.equal(threadPoolSize({ UV_THREADPOOL_SIZE: ' ' }, 8), '8', 'a blank value is no value')
})

/** Node's libuv worker threads in a running process. */
async function libuvWorkers(pid: number | undefined): Promise<number> {
  const tasks = await readdir(`/proc/${pid}/task`)
  const names = await Promise.all(tasks.map((task) => readFile(`/proc/${pid}/task/${task}/comm`, 'utf8').catch(() => '')))
  return names.filter((name) => name.startsWith('libuv-worker')).length
}

t.test('the auth process hashes on one thread per core: set before the pool starts', async (t) => {
  // This machine may have fewer than five cores: the process is told it has six (os.availableParallelism, before server.ts loads).
  const sixCores = encodeURIComponent(
    'import os from "node:os"; import { syncBuiltinESMExports } from "node:module"; os.availableParallelism = () => 6; syncBuiltinESMExports()',
  )
  const database = await createTestDatabase('sqlite')
  t.teardown(() => database.drop())
  const auth = await startService(server, { ...TEST_ENV, ...database.env, NODE_OPTIONS: `--import=data:text/javascript,${sixCores}` }, { timeoutMs: 60_000 })
  t.teardown(() => auth.stop('SIGKILL'))
  const password = 'a long and unusual passphrase'
  const signup = await fetch(`${auth.url}/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'threads', password, confirm_password: password }),
  })
  t.equal(signup.status, 201)
  // libuv starts the whole pool on first use: the signup's hash has used it.
  t.equal(await libuvWorkers(auth.child.pid), 6)
})
