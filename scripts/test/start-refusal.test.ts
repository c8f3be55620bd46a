// A second `pnpm start` never breaks the running one: refused at once (exit 2) when the port or the data folder is taken,
// the running stack's service clients keep their secrets, and it still disables a user end to end afterwards.
import { statSync, writeFileSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import t, { type Test } from 'tap'
import { freePort } from '@portcullis/testkit/processes'
import { createTestDatabase, testDatabaseKinds } from '@portcullis/testkit/databases'
import { printedProcess } from '@portcullis/testkit/stack-output'
import { LIGHT_SETTINGS, runStack, type StackRun } from '@portcullis/testkit/stack-run'
import { ADMIN_MFA_OFF } from '@portcullis/testkit/admin-mfa'

// Each case starts whole stacks (five processes each) one after another: more than the suite's 300 s per file on a busy
// two-core machine.
t.setTimeout(900_000)

const start = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../start.ts')
// The admin here only proves the first stack still works: its second-factor policy is readme.test.ts's to show.
const light = { ...LIGHT_SETTINGS, DRAIN_DELAY_MS: '0', ADMIN_PASSWORD: 'the boss passphrase', ...ADMIN_MFA_OFF }
const password = 'correct horse battery staple'

type Teardown = { teardown(fn: () => unknown): void }

async function dataDir(t: Teardown): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'portcullis-refusal-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  return dir
}

async function call(url: string, method: string, route: string, options: { token?: string; body?: unknown } = {}) {
  const headers: Record<string, string> = { accept: 'application/json' }
  if (options.token) headers.authorization = `Bearer ${options.token}`
  if (options.body !== undefined) headers['content-type'] = 'application/json'
  const res = await fetch(`${url}${route}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) })
  const text = await res.text()
  return { status: res.status, body: text ? JSON.parse(text) : null }
}

async function started(t: Teardown, env: Record<string, string>): Promise<StackRun> {
  const stack = runStack(start, env)
  t.teardown(() => stack.stop('SIGKILL'))
  await stack.waitFor(/ready at/)
  return stack
}

/** A second start that must be refused: exit 2 within a few seconds, with its message, and never "ready". */
async function refused(t: Test, env: Record<string, string>, message: RegExp, what: string): Promise<void> {
  const began = Date.now()
  const second = runStack(start, env)
  t.teardown(() => second.stop('SIGKILL'))
  const code = await Promise.race([second.exited, new Promise((resolve) => setTimeout(() => resolve('still running'), 15_000))])
  t.equal(code, 2, `${what}: exits 2`)
  t.ok(Date.now() - began < 15_000, `${what}: at once (${Date.now() - began} ms)`)
  t.match(second.output(), message, `${what}: says why`)
  t.notMatch(second.output(), /ready at|migrated|service clients/, `${what}: touched nothing`)
}

/** The stack works end to end: an admin disables a user (200), and the gateway refuses that user's token within 5 s. */
async function disablesEndToEnd(t: Test, url: string, username: string): Promise<void> {
  t.equal((await call(url, 'POST', '/auth/signup', { body: { username, password } })).status, 201, `${username} signs up`)
  const victim = await call(url, 'POST', '/auth/login', { body: { username, password } })
  t.equal((await call(url, 'GET', '/user/profile', { token: victim.body.access_token })).status, 200)
  const admin = await call(url, 'POST', '/auth/login', { body: { username: 'admin', password: 'the boss passphrase' } })
  const list = await call(url, 'GET', `/admin/get-all-users?q=${username}`, { token: admin.body.access_token })
  const id = list.body.users.find((u: { username: string }) => u.username === username).id
  const disabled = await call(url, 'PATCH', `/admin/users/${id}`, { token: admin.body.access_token, body: { status: 'disabled' } })
  t.equal(disabled.status, 200, `the admin disables ${username} (not 503 "saved but not revoked")`)
  const deadline = Date.now() + 5000
  let status = 200
  while (status === 200 && Date.now() < deadline) {
    status = (await call(url, 'GET', '/user/profile', { token: victim.body.access_token })).status
    if (status === 200) await new Promise((resolve) => setTimeout(resolve, 100))
  }
  t.ok(status === 401 || status === 403, `the gateway refuses ${username}'s old token within 5 s (${status})`)
}

/** Each saved client still gets a service token from auth, as the running services will when theirs expire. */
async function savedClientsAuthenticate(t: Test, dir: string, authUrl: string, key: string): Promise<void> {
  const saved = JSON.parse(await readFile(path.join(dir, 'stack-clients.json'), 'utf8')).databases[key]
  t.same(Object.keys(saved), ['gateway'], "the gateway's is the stack's one client: user and admin need none")
  const { clientId, clientSecret } = saved.gateway
  const res = await call(authUrl, 'POST', '/internal/oauth/token', {
    body: { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret },
  })
  t.equal(res.status, 200, `the gateway's client (${clientId}) still authenticates`)
  const feed = await call(authUrl, 'GET', '/internal/revocations?since=0', { token: res.body.access_token })
  t.equal(feed.status, 200, 'and the revocation feed answers it')
}

t.test('a second start on a taken PORT, MANAGEMENT_PORT or DATA_DIR is refused and leaves the first intact', async (t) => {
  const dir = await dataDir(t)
  const port = String(await freePort())
  const first = await started(t, { ...light, PORT: port, DATA_DIR: dir })
  const gateway = printedProcess(first.output(), 'gateway')
  const auth = printedProcess(first.output(), 'auth')
  const clientsFile = await readFile(path.join(dir, 'stack-clients.json'), 'utf8')

  await refused(t, { ...light, PORT: port, DATA_DIR: await dataDir(t) }, new RegExp(`PORT ${port} on 127\\.0\\.0\\.1 is already in use`), 'the same PORT')
  await refused(
    t,
    { ...light, PORT: String(await freePort()), DATA_DIR: dir },
    new RegExp(`DATA_DIR ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is in use by another Portcullis stack \\(pid ${first.child.pid}`),
    'the same DATA_DIR',
  )
  await refused(
    t,
    { ...light, PORT: String(await freePort()), MANAGEMENT_PORT: new URL(gateway.managementUrl ?? '').port, DATA_DIR: await dataDir(t) },
    /MANAGEMENT_PORT \d+ on 127\.0\.0\.1 is already in use/,
    "the gateway's MANAGEMENT_PORT",
  )

  t.equal(await readFile(path.join(dir, 'stack-clients.json'), 'utf8'), clientsFile, 'the saved client credentials are untouched')
  await savedClientsAuthenticate(t, dir, auth.url, 'sqlite')
  await disablesEndToEnd(t, gateway.url, 'victim')
  t.equal(first.child.exitCode, null, 'the first stack still runs')
})

t.test('a restart keeps its service clients, and takes over the lock of a stack that was killed', async (t) => {
  const dir = await dataDir(t)
  const port = String(await freePort())
  const first = await started(t, { ...light, PORT: port, DATA_DIR: dir })
  t.match(first.output(), /new service clients for gateway\b/)
  const clientsFile = await readFile(path.join(dir, 'stack-clients.json'), 'utf8')
  t.equal(statSync(path.join(dir, 'stack-clients.json')).mode & 0o777, 0o600, 'readable by its owner only')
  await first.stop('SIGKILL')

  // Killed outright, it left its lock; a pid that has exited is what a later start finds there.
  const gone = spawnSync(process.execPath, ['-e', 'process.exit(0)'])
  writeFileSync(path.join(dir, 'portcullis.lock'), JSON.stringify({ pid: gone.pid, startTicks: null, since: 'yesterday' }))
  const second = await started(t, { ...light, PORT: port, DATA_DIR: dir })
  t.notMatch(second.output(), /new service clients/, 'no new clients: the saved ones still work')
  t.equal(await readFile(path.join(dir, 'stack-clients.json'), 'utf8'), clientsFile, 'and they are the same')
  await disablesEndToEnd(t, printedProcess(second.output(), 'gateway').url, 'victim2')
})

t.test(
  'two stacks on one MySQL database, each with its own DATA_DIR, keep each other’s clients',
  { skip: !testDatabaseKinds().includes('mysql') && 'TEST_DATABASES leaves out mysql' },
  async (t) => {
    const database = await createTestDatabase('mysql', { migrate: false })
    t.teardown(() => database.drop())
    const env = { ...light, DATABASE_URL: database.env.DATABASE_URL ?? '' }
    const [dirA, dirB] = [await dataDir(t), await dataDir(t)]
    const a = await started(t, { ...env, PORT: String(await freePort()), DATA_DIR: dirA })
    const b = await started(t, { ...env, PORT: String(await freePort()), DATA_DIR: dirB })
    const key = `mysql://root@127.0.0.1:3306/${new URL(database.env.DATABASE_URL ?? '').pathname.slice(1)}`
    const savedB = JSON.parse(await readFile(path.join(dirB, 'stack-clients.json'), 'utf8')).databases[key]
    t.match(savedB.gateway.clientId, /^gateway-[0-9a-f]{6}-/, 'the second stack made its own client under a new name')
    await savedClientsAuthenticate(t, dirA, printedProcess(a.output(), 'auth').url, key)
    await disablesEndToEnd(t, printedProcess(a.output(), 'gateway').url, 'victim')
    await disablesEndToEnd(t, printedProcess(b.output(), 'gateway').url, 'victim2')
  },
)
