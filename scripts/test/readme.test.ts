// The README's set-up on a fresh clone: its start command brings up the stack, its curl quick start runs top to bottom as
// written, and every public route of docs/api.md answers.
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { inheritedEnvironment, inheritedPath } from '@portcullis/testkit/settings'
import { totpCodeAt } from '@portcullis/testkit/totp'
import t from 'tap'
import { freePort } from '@portcullis/shared/net/free-port'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

/** The first command of the README's set-up block: the one that starts the stack. */
async function readmeStartCommand(): Promise<string> {
  const readme = await readFile(path.join(root, 'README.md'), 'utf8')
  const setup = readme.split('## Set-up')[1] ?? ''
  const block = /```sh\n([\s\S]*?)```/.exec(setup)?.[1] ?? ''
  const line = block.split('\n').find((l) => /pnpm (run )?start/.test(l)) ?? ''
  return line.replace(/\s+#.*$/, '').trim()
}

/** The README's curl quick start, the first sh block of its "Quick start with curl" section, as a reader pastes it. */
async function readmeQuickStart(): Promise<string> {
  const readme = await readFile(path.join(root, 'README.md'), 'utf8')
  const section = readme.split('## Quick start with curl')[1]?.split('\n## ')[0] ?? ''
  return /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? ''
}

/** Each answer the quick start gets, in order: method, path and status, as curl reports them on stderr. */
const EXPECTED_QUICK_START = [
  'POST /auth/signup 201',
  'POST /auth/login 200',
  'GET /user/profile 200',
  'POST /auth/refresh 200',
  'POST /auth/logout 204',
  'POST /auth/login 200',
  'POST /auth/logout-all 204',
  'GET /auth/.well-known/jwks.json 200',
]

/**
 * Runs the block with `bash -e` (and pipefail, so a failed curl inside `$(… | field …)` stops it too), curl failing on any
 * HTTP error and reporting each answer on stderr; at the end, the tokens the block left in its variables.
 */
function runQuickStart(block: string, api: string) {
  // Given last, this -w wins over the block's own (which only prints a new line).
  const curl = `curl() { command curl "$@" --fail-with-body -w '%{stderr}%{method} %{url_effective} %{http_code}\\n'; }\n`
  const trailer = '\nprintf "\\nACCESS_TOKEN=%s\\nREFRESH_TOKEN=%s\\n" "$ACCESS_TOKEN" "$REFRESH_TOKEN"\n'
  return spawnSync('bash', ['-e', '-o', 'pipefail', '-c', `${curl}${block}${trailer}`], {
    env: { ...inheritedPath(), API: api },
    encoding: 'utf8',
    timeout: 60_000,
  })
}

t.test('a fresh clone starts with the README command and serves every route', { timeout: 600_000 }, async (t) => {
  const command = await readmeStartCommand()
  t.match(command, /pnpm install && pnpm start/, `the README says: ${command}`)
  const dir = await mkdtemp(path.join(tmpdir(), 'portcullis-clone-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  execFileSync('git', ['clone', '--quiet', '--no-hardlinks', root, dir], { stdio: 'ignore' })
  const port = await freePort()
  const stack: ChildProcess = spawn('bash', ['-c', command], {
    cwd: path.join(dir),
    env: {
      ...inheritedEnvironment(),
      PORT: String(port),
      DATA_DIR: path.join(dir, '.data'),
      LOG_LEVEL: 'warn',
      ADMIN_PASSWORD: 'the first admin passphrase',
      ARGON2_MEMORY_KIB: '8192',
      ARGON2_TIME_COST: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  })
  let output = ''
  stack.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  stack.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const exited = new Promise<void>((resolve) => stack.once('exit', () => resolve()))
  t.teardown(async () => {
    if (stack.exitCode === null && stack.pid) process.kill(-stack.pid, 'SIGTERM')
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 15_000))])
    if (stack.exitCode === null && stack.pid) process.kill(-stack.pid, 'SIGKILL')
  })
  const deadline = Date.now() + 480_000
  while (!/ready at http:\/\/localhost:\d+/.test(output) && Date.now() < deadline && stack.exitCode === null) {
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
  t.match(output, /ready at http:\/\/localhost:\d+/, 'the stack said it is ready')
  if (!/ready at/.test(output)) {
    t.comment(output.slice(-3000))
    return
  }

  const base = `http://127.0.0.1:${port}`

  const quickStart = runQuickStart(await readmeQuickStart(), base)
  t.equal(
    quickStart.status,
    0,
    `the README's quick start runs top to bottom with bash -e${quickStart.status ? `:\n${quickStart.stdout}\n${quickStart.stderr}` : ''}`,
  )
  const answers = quickStart.stderr
    .split('\n')
    .map((line) => /^(\S+) https?:\/\/[^/]+(\S*) (\d{3})$/.exec(line))
    .filter((m) => m !== null)
    .map(([, method, route, status]) => `${method} ${route} ${status}`)
  t.same(answers, EXPECTED_QUICK_START, 'every step answers as the README says')
  const loginRefresh = /"refresh_token":"([^"]+)"/.exec(quickStart.stdout)?.[1]
  const finalRefresh = /^REFRESH_TOKEN=(\S+)$/m.exec(quickStart.stdout)?.[1]
  t.ok(/^ACCESS_TOKEN=eyJ\S+$/m.test(quickStart.stdout), 'it set $ACCESS_TOKEN itself')
  t.ok(finalRefresh && loginRefresh && finalRefresh !== loginRefresh, 'and $REFRESH_TOKEN, updated to the one the refresh rotated it to')
  async function call(method: string, route: string, options: { token?: string; body?: unknown } = {}) {
    const headers: Record<string, string> = { accept: 'application/json' }
    if (options.token) headers.authorization = `Bearer ${options.token}`
    if (options.body !== undefined) headers['content-type'] = 'application/json'
    const res = await fetch(`${base}${route}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) })
    const text = await res.text()
    return { status: res.status, body: text ? JSON.parse(text) : null }
  }
  const password = 'correct horse battery staple'
  const answered: Array<[string, number]> = []
  const check = async (method: string, route: string, expected: number, options: { token?: string; body?: unknown } = {}) => {
    const res = await call(method, route, options)
    answered.push([`${method} ${route.split('?')[0]}`, res.status])
    t.equal(res.status, expected, `${method} ${route}`)
    return res.body
  }

  await check('POST', '/auth/signup', 201, { body: { username: 'reader', password, confirm_password: password, email: 'reader@example.com' } })
  const login = await check('POST', '/auth/login', 200, { body: { username: 'reader', password } })
  const refreshed = await check('POST', '/auth/refresh', 200, { body: { refresh_token: login.refresh_token } })
  await check('GET', '/auth/.well-known/jwks.json', 200)
  // The OpenID Connect provider runs in the stack too: discovery at the public port, PUBLIC_URL (localhost:PORT) the issuer.
  const discovery = await check('GET', '/.well-known/openid-configuration', 200)
  t.equal(discovery.issuer, `http://localhost:${port}`, 'the OpenID Connect issuer is the stack URL')
  const token = refreshed.access_token
  await check('GET', '/user/profile', 200, { token })
  await check('PATCH', '/user/profile', 200, { token, body: { display_name: 'Reader' } })
  await check('GET', '/user/dashboard', 200, { token })
  const second = await check('POST', '/auth/login', 200, { body: { username: 'reader', password } })
  const sessions = await check('GET', '/user/sessions', 200, { token })
  const other = sessions.sessions.find((s: { current: boolean }) => !s.current)
  await check('DELETE', `/user/sessions/${other.id}`, 204, { token })
  await check('POST', '/auth/password', 204, { token, body: { current_password: password, new_password: 'another fine passphrase' } })
  // MFA_REQUIRED_FOR_ADMINS is on by default: the first admin sets up an authenticator app before the console answers.
  const adminLogin = { username: 'admin', password: 'the first admin passphrase' }
  const firstSignIn = await check('POST', '/auth/login', 200, { body: adminLogin })
  const enrolling = firstSignIn.access_token
  const refusal = await check('GET', '/admin/dashboard', 403, { token: enrolling })
  t.equal(refusal.code, 'mfa_enrolment_required', 'an admin without a second factor is sent to set one up')
  const { secret } = await check('POST', '/auth/mfa/totp/setup', 200, { token: enrolling, body: {} })
  await check('POST', '/auth/mfa/totp/confirm', 200, { token: enrolling, body: { code: totpCodeAt(secret, Date.now()) } })
  const ticket = await check('POST', '/auth/login', 200, { body: adminLogin })
  t.equal(ticket.mfa_required, true, 'the password alone no longer signs the admin in')
  // The enrolment took this time step's code; the app's next one is within the step of drift allowed.
  const admin = await check('POST', '/auth/login/mfa', 200, { body: { mfa_token: ticket.mfa_token, code: totpCodeAt(secret, Date.now() + 30_000) } })
  await check('GET', '/admin/dashboard', 200, { token: admin.access_token })
  const users = await check('GET', '/admin/get-all-users?limit=10&sort=username', 200, { token: admin.access_token })
  const reader = users.users.find((u: { username: string }) => u.username === 'reader')
  await check('PATCH', `/admin/users/${reader.id}`, 200, { token: admin.access_token, body: { role: 'admin' } })
  await check('POST', `/admin/users/${reader.id}/revoke-sessions`, 204, { token: admin.access_token })
  await check('GET', '/admin/audit-events?limit=5', 200, { token: admin.access_token })
  const again = await check('POST', '/auth/login', 200, { body: { username: 'reader', password: 'another fine passphrase' } })
  await check('POST', '/auth/logout-all', 204, { token: again.access_token })
  await check('POST', '/auth/logout', 204, { body: { refresh_token: second.refresh_token } })
  const page = await fetch(`${base}/admin`, { headers: { accept: 'text/html' } })
  t.match(await page.text(), /<div id="root">/, 'the web app is served at the same URL')
  t.comment(`answered: ${answered.map(([route, status]) => `${route} ${status}`).join(', ')}`)
  t.ok(
    execFileSync('git', ['-C', dir, 'status', '--porcelain'])
      .toString()
      .split('\n')
      .every((l) => !l || /\.data|web\/dist/.test(l)),
    'the clone is left clean apart from data and the build',
  )
})
