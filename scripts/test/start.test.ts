// pnpm start on the embedded database: first admin, settings honoured, management ports, clean stop.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { freePort, startService } from '@portcullis/testkit/processes'
import { printedProcess, printedProcesses } from '@portcullis/testkit/stack-output'
import { LIGHT_SETTINGS, runStack } from '@portcullis/testkit/stack-run'

// Each case starts whole stacks (five processes each) one after another: more than the suite's 300 s per file on a busy
// two-core machine.
t.setTimeout(900_000)

const start = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../start.ts')
const light = { ...LIGHT_SETTINGS, DRAIN_DELAY_MS: '0' }

async function login(url: string, username: string, password: string) {
  const res = await fetch(`${url}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  })
  return { status: res.status, body: (await res.json()) as { expires_in?: number; user?: { role: string } } }
}

async function dataDir(t: { teardown(fn: () => unknown): void }): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'portcullis-start-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  return dir
}

t.test('with ADMIN_USERNAME/ADMIN_PASSWORD, token TTLs and MANAGEMENT_PORT', async (t) => {
  const managementPort = await freePort()
  const env = { ...light, DATA_DIR: await dataDir(t), ADMIN_USERNAME: 'boss', ADMIN_PASSWORD: 'the boss passphrase', ACCESS_TOKEN_TTL: '120' }
  const stack = await startService(start, { ...env, MANAGEMENT_PORT: String(managementPort) }, { timeoutMs: 150_000, stack: true })
  t.teardown(() => stack.stop('SIGKILL'))
  const res = await login(stack.url, 'boss', 'the boss passphrase')
  t.equal(res.status, 200)
  t.equal(res.body.expires_in, 120)
  t.equal(res.body.user?.role, 'admin')
  await stack.waitForOutput(/ready at/, 10_000)
  t.match(
    stack.output(),
    `ready at http://localhost:${new URL(stack.url).port} (API docs at /docs; OpenID Connect at /.well-known/openid-configuration; health and metrics at http://127.0.0.1:${managementPort})`,
    'the URL is printed once every part is ready, with the management port given',
  )
  await stack.waitForOutput(/local inbox\): \S+ /, 10_000)
  const inbox = /portcullis: mail \(local inbox\): (http:\/\/127\.0\.0\.1:\d+) /.exec(stack.output())
  t.ok(inbox, 'without SMTP_URL the banner names the local inbox')
  const inboxPage = await fetch(inbox?.[1] ?? 'http://127.0.0.1:1')
  t.equal(inboxPage.status, 200, 'which answers')
  t.match(await inboxPage.text(), 'Local inbox')
  t.notMatch(stack.output(), /the boss passphrase/, 'a chosen password is never printed')
  t.equal(await stack.stop('SIGTERM'), 0, 'SIGTERM stops the stack cleanly')
})

t.test('every process serves /healthz, /readyz and /metrics on its own management port only', async (t) => {
  // A relay that is never asked: no mail is sent while the stack only starts.
  const env = { ...light, PORT: String(await freePort()), DATA_DIR: await dataDir(t), ADMIN_PASSWORD: 'the boss passphrase', SMTP_URL: 'smtp://127.0.0.1:1' }
  const stack = runStack(start, env)
  t.teardown(() => stack.stop('SIGKILL'))
  const output = await stack.waitFor(/ready at/)
  t.notMatch(output, /local inbox/, 'with SMTP_URL there is no local inbox')
  const printed = /health and metrics at (http:\/\/127\.0\.0\.1:(\d+))\)/.exec(output)
  t.ok(printed, 'without MANAGEMENT_PORT the gateway gets a free management port, printed with the ready line')
  const processes = printedProcesses(output)
  t.same(Object.keys(processes).sort(), ['admin', 'auth', 'gateway', 'oidc', 'user'])
  t.equal(processes.gateway?.managementUrl, printed?.[1], 'the one printed is the gateway’s')
  for (const [name, child] of Object.entries(processes)) {
    const health = await fetch(`${child.managementUrl}/healthz`)
    t.equal(health.status, 200, `${name}: /healthz on its management port`)
    t.match(await health.json(), { status: 'ok', service: name, pid: child.pid }, `${name}: answered by its own process`)
    t.equal((await fetch(`${child.managementUrl}/readyz`)).status, 200, `${name}: /readyz on its management port`)
    const metrics = await fetch(`${child.managementUrl}/metrics`)
    t.match(await metrics.text(), /^http_requests_total|process_cpu_user_seconds_total/m, `${name}: /metrics on its management port`)
    for (const route of ['/healthz', '/readyz', '/metrics']) {
      const res = await fetch(`${child.url}${route}`, { headers: { accept: 'application/json' } })
      t.equal(res.status, 404, `${name}: not ${route} on its public port`)
    }
  }
  t.equal(await stack.stop('SIGTERM'), 0)
})

t.test('without an admin password, one is generated and printed once, after the ready line', async (t) => {
  const dir = await dataDir(t)
  const port = String(await freePort())
  const first = runStack(start, { ...light, PORT: port, DATA_DIR: dir })
  t.teardown(() => first.stop('SIGKILL'))
  const output = await first.waitFor(/with password: \S+\n.*shown once/)
  const password = /created admin "admin" with password: (\S+)/.exec(output)?.[1]
  t.ok(password, 'the generated password is printed')
  t.ok(output.indexOf('ready at') < output.indexOf('with password:'), 'after "ready", where no log line scrolls it away')
  const url = printedProcess(output, 'gateway').url
  t.equal((await login(url, 'admin', password ?? '')).status, 200)
  t.equal(await first.stop('SIGTERM'), 0)

  const second = runStack(start, { ...light, PORT: port, DATA_DIR: dir })
  t.teardown(() => second.stop('SIGKILL'))
  t.notMatch(await second.waitFor(/ready at/), /with password/, 'the second start prints no password')
  t.equal((await login(url, 'admin', password ?? '')).status, 200, 'and the admin is kept')
})

t.test('a later ADMIN_PASSWORD is not applied to the existing admin, and the start says so', async (t) => {
  const dir = await dataDir(t)
  const port = String(await freePort())
  const first = runStack(start, { ...light, PORT: port, DATA_DIR: dir, ADMIN_PASSWORD: 'the first passphrase' })
  t.teardown(() => first.stop('SIGKILL'))
  const url = printedProcess(await first.waitFor(/ready at/), 'gateway').url
  t.equal(await first.stop('SIGTERM'), 0)
  const second = runStack(start, { ...light, PORT: port, DATA_DIR: dir, ADMIN_PASSWORD: 'another passphrase' })
  t.teardown(() => second.stop('SIGKILL'))
  t.match(await second.waitFor(/ready at/), /ADMIN_PASSWORD was not applied: it only creates the first admin, and "admin" exists already \(pnpm create-admin/)
  t.equal((await login(url, 'admin', 'the first passphrase')).status, 200, 'the admin keeps its password (and its sessions)')
  t.equal((await login(url, 'admin', 'another passphrase')).status, 401)
})
