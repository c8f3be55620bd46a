// The auth service as a real process over real HTTP: health, readiness, metrics, logs, and a graceful stop.
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { createTestDatabase, testDatabaseKinds } from '@portcullis/testkit/databases'
import { startService } from '@portcullis/testkit/processes'
import { TEST_ENV } from '@portcullis/testkit/auth-app'

const server = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src/server.ts')
const json = { 'content-type': 'application/json' }

for (const kind of testDatabaseKinds()) {
  t.test(`auth process on ${kind}`, async (t) => {
    const database = await createTestDatabase(kind)
    t.teardown(() => database.drop())
    const auth = await startService(server, { ...TEST_ENV, LOG_LEVEL: 'info', ...database.env })
    t.teardown(() => auth.stop('SIGKILL'))

    t.test('health, readiness and metrics answer', async (t) => {
      const healthz = await fetch(`${auth.managementUrl}/healthz`)
      t.equal(healthz.status, 200)
      t.match(await healthz.json(), { status: 'ok', service: 'auth' })
      const readyz = await fetch(`${auth.managementUrl}/readyz`)
      t.same(await readyz.json(), { status: 'ready', service: 'auth', checks: { database: 'ok', keys: 'ok' } })
      await fetch(`${auth.url}/auth/.well-known/jwks.json`)
      const metrics = await (await fetch(`${auth.managementUrl}/metrics`)).text()
      t.match(metrics, /http_request_duration_seconds_bucket\{.*route="\/auth\/\.well-known\/jwks\.json"/)
      t.match(metrics, /process_resident_memory_bytes/)
      for (const path of ['/healthz', '/readyz', '/metrics']) {
        const publicAnswer = await fetch(`${auth.url}${path}`)
        t.equal(publicAnswer.status, 404, `${path} is not answered on the public port`)
        t.notMatch(await publicAnswer.text(), /process_|nodejs_|"status":"(ok|ready)"/, `${path} tells nothing there`)
      }
    })

    t.test('signup, login, refresh and logout over HTTP, with the documented request bodies', async (t) => {
      const password = 'a long and unusual passphrase'
      const signup = await fetch(`${auth.url}/auth/signup`, {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ username: 'httpuser', password, confirm_password: password, email: 'http@example.com' }),
      })
      t.equal(signup.status, 201)
      const login = await fetch(`${auth.url}/auth/login`, { method: 'POST', headers: json, body: JSON.stringify({ username: 'http@example.com', password }) })
      t.equal(login.status, 200)
      const tokens = (await login.json()) as { access_token: string; refresh_token: string }
      const refresh = await fetch(`${auth.url}/auth/refresh`, { method: 'POST', headers: { authorization: `Bearer ${tokens.refresh_token}` } })
      t.equal(refresh.status, 200)
      const rotated = (await refresh.json()) as { refresh_token: string }
      t.not(rotated.refresh_token, tokens.refresh_token)
      const logout = await fetch(`${auth.url}/auth/logout`, { method: 'POST', headers: json, body: JSON.stringify({ refresh_token: rotated.refresh_token }) })
      t.equal(logout.status, 204)
      const after = await fetch(`${auth.url}/auth/refresh`, { method: 'POST', headers: json, body: JSON.stringify({ refresh_token: rotated.refresh_token }) })
      t.equal(after.status, 401)
      t.equal(after.headers.get('www-authenticate'), 'Bearer')
      t.match(after.headers.get('content-type'), /application\/problem\+json/)
    })

    t.test('every answer carries a request id, and a sane one sent in is kept', async (t) => {
      const res = await fetch(`${auth.url}/auth/.well-known/jwks.json`, { headers: { 'x-request-id': 'trace-123' } })
      t.equal(res.headers.get('x-request-id'), 'trace-123')
      const bad = await fetch(`${auth.url}/auth/.well-known/jwks.json`, { headers: { 'x-request-id': 'bad id with spaces' } })
      t.not(bad.headers.get('x-request-id'), 'bad id with spaces')
      t.ok(bad.headers.get('x-request-id'))
      t.ok(await auth.waitForOutput(/"reqId":"trace-123"/), 'the request id is in the log')
    })

    t.test('security headers, and 404s as problem+json', async (t) => {
      const res = await fetch(`${auth.url}/nope`)
      t.equal(res.status, 404)
      t.match(res.headers.get('content-type'), /application\/problem\+json/)
      t.equal(res.headers.get('x-content-type-options'), 'nosniff')
      t.match(await res.json(), { code: 'not_found', status: 404 })
    })

    t.test('logs never carry passwords or tokens', async (t) => {
      await fetch(`${auth.url}/auth/login`, {
        method: 'POST',
        headers: { ...json, cookie: 'portcullis_refresh=secretcookie' },
        body: '{"username":"x","password":"hunter2-in-logs'.padEnd(40, 'x'),
      })
      t.notMatch(auth.output(), /hunter2-in-logs|secretcookie|a long and unusual passphrase/)
    })

    t.test('SIGTERM drains and exits 0', async (t) => {
      const code = await auth.stop('SIGTERM')
      t.equal(code, 0)
    })
  })
}

t.test('a bad setting stops the process with a message naming the variable', async (t) => {
  const database = await createTestDatabase('sqlite', { migrate: false })
  t.teardown(() => database.drop())
  await t.rejects(
    startService(server, { ...TEST_ENV, ...database.env, ACCESS_TOKEN_TTL: 'ten minutes' }, { timeoutMs: 30_000 }),
    /ACCESS_TOKEN_TTL must be a whole number/,
  )
})

t.test('a database it cannot reach stops auth with one sentence saying so, and no stack trace', async (t) => {
  const database = await createTestDatabase('sqlite', { migrate: false })
  t.teardown(() => database.drop())
  const failure = startService(
    server,
    { ...TEST_ENV, DATA_DIR: database.env.DATA_DIR, DATABASE_URL: 'mysql://root@127.0.0.1:1/portcullis' },
    { timeoutMs: 30_000 },
  )
  await t.rejects(failure, /auth: cannot reach MariaDB at 127\.0\.0\.1:1/)
  await failure.catch((error: Error) => t.notMatch(error.message, /\n\s+at /, 'no stack trace'))
})

t.test('a port already taken is refused with its setting named', async (t) => {
  const database = await createTestDatabase('sqlite')
  t.teardown(() => database.drop())
  const first = await startService(server, { ...TEST_ENV, ...database.env })
  t.teardown(() => first.stop('SIGKILL'))
  await t.rejects(
    startService(server, { ...TEST_ENV, ...database.env, PORT: new URL(first.url).port }, { timeoutMs: 30_000 }),
    /PORT \d+ on 127\.0\.0\.1 is already in use/,
  )
})
