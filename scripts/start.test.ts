// pnpm start on the embedded database: first admin, settings honoured, clean stop.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { startService } from '@portcullis/shared/testing/processes'

const start = path.resolve(path.dirname(fileURLToPath(import.meta.url)), 'start.ts')
const light = { LOG_LEVEL: 'warn', ARGON2_MEMORY_KIB: '4096', ARGON2_TIME_COST: '1' }

async function login(url: string, username: string, password: string) {
  const res = await fetch(`${url}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) })
  return { status: res.status, body: (await res.json()) as { expires_in?: number; user?: { role: string } } }
}

t.test('with ADMIN_USERNAME/ADMIN_PASSWORD and token TTLs', async (t) => {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'portcullis-start-'))
  t.teardown(() => rm(dataDir, { recursive: true, force: true }))
  const stack = await startService(start, { ...light, DATA_DIR: dataDir, ADMIN_USERNAME: 'boss', ADMIN_PASSWORD: 'the boss passphrase', ACCESS_TOKEN_TTL: '120' }, { timeoutMs: 150_000 })
  t.teardown(() => stack.stop('SIGKILL'))
  const res = await login(stack.url, 'boss', 'the boss passphrase')
  t.equal(res.status, 200)
  t.equal(res.body.expires_in, 120)
  t.equal(res.body.user?.role, 'admin')
  for (let i = 0; i < 50 && !/ready at/.test(stack.output()); i++) await new Promise((resolve) => setTimeout(resolve, 100))
  t.match(stack.output(), /ready at http:\/\/localhost:\d+/, 'the URL is printed once every part is ready')
  t.notMatch(stack.output(), /the boss passphrase/, 'a chosen password is never printed')
  t.equal(await stack.stop('SIGTERM'), 0, 'SIGTERM stops the stack cleanly')
})

t.test('without an admin password, one is generated and printed once', async (t) => {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'portcullis-start-'))
  t.teardown(() => rm(dataDir, { recursive: true, force: true }))
  const first = await startService(start, { ...light, DATA_DIR: dataDir }, { timeoutMs: 150_000 })
  const password = /created admin "admin" with password: (\S+)/.exec(first.output())?.[1]
  t.ok(password, 'the generated password is printed')
  t.equal((await login(first.url, 'admin', password ?? '')).status, 200)
  await first.stop('SIGTERM')

  const second = await startService(start, { ...light, DATA_DIR: dataDir }, { timeoutMs: 150_000 })
  t.teardown(() => second.stop('SIGKILL'))
  t.notMatch(second.output(), /with password/, 'the second start prints no password')
  t.equal((await login(second.url, 'admin', password ?? '')).status, 200, 'and the admin is kept')
})
