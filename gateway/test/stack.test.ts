// The public API through one door: real auth, two user instances, admin and the gateway as processes, on both databases.
import t from 'tap'
import { testDatabaseKinds } from '@portcullis/testkit/databases'
import { startTestStack } from '@portcullis/testkit/stack'

interface Answer {
  status: number
  headers: Headers
  // biome-ignore lint/suspicious/noExplicitAny: test answers are read field by field
  body: any
}

function client(base: string) {
  return async function api(method: string, path: string, options: { token?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<Answer> {
    const headers: Record<string, string> = { ...options.headers }
    if (options.token) headers.authorization = `Bearer ${options.token}`
    if (options.body !== undefined) headers['content-type'] = 'application/json'
    const res = await fetch(`${base}${path}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) })
    const text = await res.text()
    let body: unknown = text
    try {
      body = text ? JSON.parse(text) : null
    } catch {
      // not JSON
    }
    return { status: res.status, headers: res.headers, body }
  }
}

const PASSWORD = 'correct horse battery staple'

async function waitForStatus(check: () => Promise<number>, expected: number, withinMs: number): Promise<{ status: number; ms: number }> {
  const started = Date.now()
  let status = await check()
  while (status !== expected && Date.now() - started < withinMs) {
    await new Promise((resolve) => setTimeout(resolve, 100))
    status = await check()
  }
  return { status, ms: Date.now() - started }
}

for (const kind of testDatabaseKinds()) {
  t.test(`the whole API through the gateway on ${kind}`, async (t) => {
    const stack = await startTestStack(t, kind, { userInstances: 2, gatewayEnv: { LOG_LEVEL: 'info' } })
    const api = client(stack.url)
    const db = stack.database.handle.db

    async function account(username: string, role: 'user' | 'admin' = 'user') {
      // An admin is named by an operator, who may choose a name that sign-up keeps for itself ("root").
      const signupName = role === 'admin' ? `operator-named-${Math.random().toString(36).slice(2, 8)}` : username
      const signup = await api('POST', '/auth/signup', {
        body: { username: signupName, password: PASSWORD, confirm_password: PASSWORD, email: `${username}@example.com` },
      })
      if (signup.status !== 201) throw new Error(`signup ${username}: ${signup.status} ${JSON.stringify(signup.body)}`)
      if (role === 'admin') await db.updateTable('users').set({ role: 'admin', username }).where('username', '=', signupName).execute()
      const login = await api('POST', '/auth/login', { body: { username, password: PASSWORD } })
      if (login.status !== 200) throw new Error(`login ${username}: ${login.status}`)
      return login.body as { access_token: string; refresh_token: string; user: { id: string } }
    }

    const root = await account('root', 'admin')
    const alice = await account('alice')

    t.test('user routes: profile, update, dashboard, sessions', async (t) => {
      const profile = await api('GET', '/user/profile', { token: alice.access_token })
      t.equal(profile.status, 200)
      t.match(profile.body, { username: 'alice', email: 'alice@example.com', role: 'user', status: 'active' })
      const update = await api('PATCH', '/user/profile', { token: alice.access_token, body: { display_name: 'Alice A.' } })
      t.equal(update.status, 200)
      t.equal(update.body.display_name, 'Alice A.')
      const taken = await api('PATCH', '/user/profile', { token: alice.access_token, body: { email: 'root@example.com', current_password: PASSWORD } })
      t.equal(taken.status, 409)
      t.equal(taken.body.code, 'email_taken')
      const invalid = await api('PATCH', '/user/profile', { token: alice.access_token, body: { role: 'admin' } })
      t.equal(invalid.status, 422)
      const dashboard = await api('GET', '/user/dashboard', { token: alice.access_token })
      t.equal(dashboard.status, 200)
      t.equal(dashboard.body.profile.display_name, 'Alice A.')
      t.ok(dashboard.body.sessions.some((s: { current: boolean }) => s.current))
      t.ok(dashboard.body.recent_events.some((e: { type: string }) => e.type === 'login_succeeded'))
      const sessions = await api('GET', '/user/sessions', { token: alice.access_token })
      t.equal(sessions.status, 200)
      t.equal(sessions.body.sessions.length, 1)
    })

    t.test('roles are enforced at the gateway and again at the service', async (t) => {
      const atGateway = await api('GET', '/admin/dashboard', { token: alice.access_token, headers: { 'x-user-role': 'admin', 'x-portcullis-role': 'admin' } })
      t.equal(atGateway.status, 403, 'a spoofed role header changes nothing')
      t.equal(atGateway.body.code, 'forbidden')
      const direct = await fetch(`${stack.admin.url}/admin/dashboard`, { headers: { authorization: `Bearer ${alice.access_token}` } })
      t.equal(direct.status, 403, 'the admin service refuses a user token on its own')
      const anonymous = await api('GET', '/user/profile')
      t.equal(anonymous.status, 401)
      t.match(anonymous.headers.get('www-authenticate'), /^Bearer/)
      const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${alice.access_token.split('.')[1]}.`
      t.equal((await api('GET', '/user/profile', { token: none })).status, 401, 'alg none is refused')
      const dashboard = await api('GET', '/admin/dashboard', { token: root.access_token })
      t.equal(dashboard.status, 200)
      t.ok(dashboard.body.counts.users.total >= 2)
    })

    t.test('admin: list with paging and search, last-admin rule, role change seen within 5 s', async (t) => {
      for (const name of ['bob', 'bella', 'carl']) await account(name)
      const first = await api('GET', '/admin/get-all-users?limit=2&sort=username', { token: root.access_token })
      t.equal(first.status, 200)
      t.same(
        first.body.users.map((u: { username: string }) => u.username),
        ['alice', 'bella'],
      )
      t.equal(first.body.total, 5)
      const second = await api('GET', `/admin/get-all-users?limit=2&sort=username&cursor=${encodeURIComponent(first.body.next_cursor)}`, {
        token: root.access_token,
      })
      t.same(
        second.body.users.map((u: { username: string }) => u.username),
        ['bob', 'carl'],
      )
      const search = await api('GET', '/admin/get-all-users?q=b&role=user', { token: root.access_token })
      t.same(search.body.users.map((u: { username: string }) => u.username).sort(), ['bella', 'bob'])
      const badCursor = await api('GET', '/admin/get-all-users?cursor=%27%3BDROP', { token: root.access_token })
      t.equal(badCursor.status, 422)

      const lastAdmin = await api('PATCH', `/admin/users/${root.user.id}`, { token: root.access_token, body: { role: 'user' } })
      t.equal(lastAdmin.status, 409)
      t.equal(lastAdmin.body.code, 'last_admin')

      const promote = await api('PATCH', `/admin/users/${alice.user.id}`, { token: root.access_token, body: { role: 'admin' } })
      t.equal(promote.status, 200)
      t.equal(promote.body.role, 'admin')
      const stale = await waitForStatus(async () => (await api('GET', '/user/profile', { token: alice.access_token })).status, 401, 5000)
      t.equal(stale.status, 401, `the token with the old role is refused after ${stale.ms} ms`)
      const refreshed = await api('POST', '/auth/refresh', { body: { refresh_token: alice.refresh_token } })
      t.equal(refreshed.status, 200)
      const claims = JSON.parse(Buffer.from(refreshed.body.access_token.split('.')[1], 'base64url').toString())
      t.equal(claims.role, 'admin', 'the refreshed token carries the new role')
      t.equal((await api('GET', '/admin/dashboard', { token: refreshed.body.access_token })).status, 200)
      const events = await api('GET', `/admin/audit-events?type=role_changed&user_id=${alice.user.id}`, { token: root.access_token })
      t.equal(events.status, 200)
      t.equal(events.body.events.length, 1)
      t.equal(events.body.events[0].actor_id, root.user.id)
    })

    t.test('a disabled user is thrown out within 5 s and cannot come back', async (t) => {
      const dora = await account('dora')
      t.equal((await api('GET', '/user/profile', { token: dora.access_token })).status, 200)
      const disable = await api('PATCH', `/admin/users/${dora.user.id}`, { token: root.access_token, body: { status: 'disabled' } })
      t.equal(disable.status, 200)
      const out = await waitForStatus(async () => (await api('GET', '/user/profile', { token: dora.access_token })).status, 401, 5000)
      t.equal(out.status, 401, `refused after ${out.ms} ms`)
      const refreshed = await api('POST', '/auth/refresh', { body: { refresh_token: dora.refresh_token } })
      t.equal(refreshed.status, 403, 'her sessions are gone')
      t.equal(refreshed.body.code, 'account_disabled', 'and she is told why')
      const login = await api('POST', '/auth/login', { body: { username: 'dora', password: PASSWORD } })
      t.equal(login.status, 403)
      t.equal(login.body.code, 'account_disabled')
    })

    t.test('revoking one of your sessions ends it within 5 s', async (t) => {
      const first = await account('eve')
      const second = (await api('POST', '/auth/login', { body: { username: 'eve', password: PASSWORD } })).body
      const sessions = await api('GET', '/user/sessions', { token: first.access_token })
      const other = sessions.body.sessions.find((s: { current: boolean }) => !s.current)
      t.ok(other, 'the other session is listed')
      const revoke = await api('DELETE', `/user/sessions/${other.id}`, { token: first.access_token })
      t.equal(revoke.status, 204)
      const gone = await waitForStatus(async () => (await api('GET', '/user/profile', { token: second.access_token })).status, 401, 5000)
      t.equal(gone.status, 401, `refused after ${gone.ms} ms`)
      t.equal((await api('GET', '/user/profile', { token: first.access_token })).status, 200, 'the current session is untouched')
    })

    t.test('one user instance killed mid-load: no GET fails', async (t) => {
      const token = (await account('frank')).access_token
      const statuses = new Map<number, number>()
      let sent = 0
      const deadline = Date.now() + 3000
      const worker = async () => {
        while (Date.now() < deadline && sent < 2000) {
          sent++
          const status = (await api('GET', '/user/profile', { token })).status
          statuses.set(status, (statuses.get(status) ?? 0) + 1)
        }
      }
      const killer = (async () => {
        await new Promise((resolve) => setTimeout(resolve, 1000))
        await stack.users[0]?.stop('SIGKILL')
      })()
      await Promise.all([worker(), worker(), worker(), worker(), killer])
      t.same([...statuses.keys()], [200], `all ${sent} GETs answered 200 (${JSON.stringify(Object.fromEntries(statuses))})`)
      t.ok(sent > 50, `a real load was sent (${sent})`)
    })

    t.test('the gateway logs each request it proxies in one line, with its request id, status and time', async (t) => {
      const logger = await account('logline')
      const res = await api('GET', '/user/profile', { token: logger.access_token, headers: { 'x-request-id': 'stack-log-1' } })
      t.equal(res.status, 200)
      // The line is written once the answer has gone out; anything more about this request would follow within moments.
      await stack.gateway.waitForOutput(/"reqId":"stack-log-1"/)
      await new Promise((resolve) => setTimeout(resolve, 200))
      const lines = stack.gateway
        .output()
        .split('\n')
        .filter((line) => line.includes('"reqId":"stack-log-1"'))
        .map((line) => JSON.parse(line) as Record<string, unknown>)
      t.match(lines, [{ msg: 'request', service: 'gateway', method: 'GET', url: '/user/profile', statusCode: 200, ms: Number }])
      t.equal(lines.length, 1, 'one line, not one per step of the proxying')
      t.notMatch(stack.gateway.output(), new RegExp(logger.access_token.split('.')[2] ?? 'no-token'), 'the token is not in it')
    })

    t.test('docs, and what is never routed', async (t) => {
      const docs = await api('GET', '/docs/json')
      t.equal(docs.status, 200)
      for (const path of ['/auth/login', '/user/profile', '/admin/get-all-users']) t.ok(docs.body.paths[path], `${path} is documented`)
      t.notOk(
        Object.keys(docs.body.paths).some((p) => p.startsWith('/internal')),
        'no internal route is documented',
      )
      t.equal((await api('GET', '/docs/')).status, 200)
      t.equal((await api('GET', '/internal/revocations')).status, 404)
      for (const path of ['/metrics', '/healthz', '/readyz']) t.equal((await api('GET', path)).status, 404, `${path} is not on the public port`)
      const metrics = await (await fetch(`${stack.gateway.managementUrl}/metrics`)).text()
      t.match(metrics, /service="gateway"/, "/metrics on the management port is the gateway's own")
      t.notMatch(metrics, /service="auth"/)
    })
  })
}
