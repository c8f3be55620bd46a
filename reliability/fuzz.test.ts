// Property-based fuzzing of every public route through the gateway: no 5xx, every error problem+json with a code, no leaks.
import fc from 'fast-check'
import t from 'tap'
import { startTestStack } from '@portcullis/testkit/stack'
import { createAccount, logIn, PASSWORD, type Session } from './harness/accounts.ts'
import { reportFigures } from './harness/figures.ts'
import { type Answer, NoAnswer, send, Tally } from './harness/http.ts'
import { encode, fillIn, headerString, hugeHeader, nastyString, objectBody, type Payload, pathParam, payload, queryString, ref } from './harness/inputs.ts'
import { readyStatus } from './harness/processes.ts'
import { reliabilitySettings } from './harness/settings.ts'

const settings = reliabilitySettings()
const RUNS = settings.RELIABILITY_FUZZ_RUNS
const ROUTE_TIME_LIMIT_MS = settings.RELIABILITY_FUZZ_ROUTE_MS
/** All routes together; on a slow machine each route gets its share of what is left. */
const TOTAL_TIME_LIMIT_MS = settings.RELIABILITY_FUZZ_TOTAL_MS
const SEED = settings.RELIABILITY_SEED ?? Date.now() % 2 ** 31

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE'
type Access = 'public' | 'session' | 'user' | 'admin'

interface RouteSpec {
  name: string
  method: Method
  /** With `:id` where the path parameter goes. */
  path: string
  access: Access
  body?: fc.Arbitrary<unknown>
  query?: Record<string, fc.Arbitrary<string>>
  param?: fc.Arbitrary<unknown>
  /** A 2xx may end the fuzz user's session or change its password: sign in again before the next run. */
  endsSession?: boolean
}

const username = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{2,31}$/)
const password = fc.oneof(fc.constant(PASSWORD), fc.string({ minLength: 8, maxLength: 40 }), fc.constantFrom('password', 'short', '12345678'))
const email = fc.oneof(fc.emailAddress(), fc.constant(null))
const role = fc.constantFrom('user', 'admin')
const status = fc.constantFrom('active', 'disabled')
const limit = fc.oneof(fc.integer({ min: -5, max: 200 }).map(String), fc.constantFrom('1.5', '1e2', '0x10', ' 5', ''))
const cursor = fc.oneof(
  fc.base64String({ maxLength: 80 }).map((s) => s.replace(/[+/=]/g, '_')),
  fc.stringMatching(/^[A-Za-z0-9_-]{1,600}$/),
)
const timestamp = fc.oneof(
  fc.date({ min: new Date(0), max: new Date(4102444800000), noInvalidDate: true }).map((d) => d.toISOString()),
  fc.constantFrom('2024-02-30T00:00:00Z', '0000-00-00T00:00:00Z', 'now', '1700000000000', '9999-12-31T23:59:59.999Z'),
)

const ROUTES: RouteSpec[] = [
  {
    name: 'POST /auth/signup',
    method: 'POST',
    path: '/auth/signup',
    access: 'public',
    body: objectBody({ username, password, confirm_password: password, email }, fc.record({ username, password: fc.constant(PASSWORD), email })),
  },
  {
    name: 'POST /auth/login',
    method: 'POST',
    path: '/auth/login',
    access: 'public',
    body: objectBody(
      {
        username: fc.oneof(fc.constant('target'), fc.constant('target@example.com'), username),
        password: fc.oneof(fc.constant(PASSWORD), password),
        session: fc.constantFrom('cookie', 'token', 'both'),
      },
      fc.record({ username: fc.constantFrom('target', 'target@example.com'), password: fc.constant(PASSWORD), session: fc.constantFrom('cookie', 'token') }),
    ),
  },
  {
    name: 'POST /auth/refresh',
    method: 'POST',
    path: '/auth/refresh',
    access: 'session',
    body: objectBody({ refresh_token: fc.oneof(ref('userRefresh'), fc.base64String({ maxLength: 300 })) }),
    endsSession: true,
  },
  {
    name: 'POST /auth/logout',
    method: 'POST',
    path: '/auth/logout',
    access: 'session',
    body: objectBody({ refresh_token: fc.oneof(ref('userRefresh'), fc.base64String({ maxLength: 300 })) }),
    endsSession: true,
  },
  { name: 'POST /auth/logout-all', method: 'POST', path: '/auth/logout-all', access: 'user', body: objectBody({}), endsSession: true },
  {
    name: 'POST /auth/password',
    method: 'POST',
    path: '/auth/password',
    access: 'user',
    body: objectBody({ current_password: fc.oneof(ref('userPassword'), password), new_password: password }),
    endsSession: true,
  },
  { name: 'GET /auth/.well-known/jwks.json', method: 'GET', path: '/auth/.well-known/jwks.json', access: 'public', query: {} },
  { name: 'GET /user/profile', method: 'GET', path: '/user/profile', access: 'user', query: {} },
  {
    name: 'PATCH /user/profile',
    method: 'PATCH',
    path: '/user/profile',
    access: 'user',
    body: objectBody({ display_name: fc.oneof(fc.string({ minLength: 1, maxLength: 100 }), fc.constant(null)), email }),
  },
  { name: 'GET /user/dashboard', method: 'GET', path: '/user/dashboard', access: 'user', query: {} },
  { name: 'GET /user/sessions', method: 'GET', path: '/user/sessions', access: 'user', query: {} },
  {
    name: 'DELETE /user/sessions/:id',
    method: 'DELETE',
    path: '/user/sessions/:id',
    access: 'user',
    param: fc.oneof(ref('otherSessionId'), ref('userSessionId')),
    endsSession: true,
  },
  { name: 'GET /admin/dashboard', method: 'GET', path: '/admin/dashboard', access: 'admin', query: {} },
  {
    name: 'GET /admin/get-all-users',
    method: 'GET',
    path: '/admin/get-all-users',
    access: 'admin',
    query: {
      limit,
      cursor,
      q: nastyString,
      role,
      status,
      sort: fc.constantFrom('created_at', '-created_at', 'username', '-username', '--username', 'password_hash'),
    },
  },
  {
    name: 'PATCH /admin/users/:id',
    method: 'PATCH',
    path: '/admin/users/:id',
    access: 'admin',
    param: ref('victimId'),
    body: objectBody({ role, status }),
  },
  {
    name: 'POST /admin/users/:id/revoke-sessions',
    method: 'POST',
    path: '/admin/users/:id/revoke-sessions',
    access: 'admin',
    param: fc.oneof(ref('victimId'), ref('userId')),
    body: objectBody({}),
    endsSession: true,
  },
  {
    name: 'GET /admin/audit-events',
    method: 'GET',
    path: '/admin/audit-events',
    access: 'admin',
    query: {
      limit,
      cursor,
      type: fc.constantFrom('login_succeeded', 'signup', 'refresh_reuse_detected', 'x'.repeat(49)),
      user_id: fc.oneof(ref('userId'), fc.uuid()),
      since: timestamp,
      until: timestamp,
    },
  },
]

/** Who the request claims to be. */
const AUTHORIZATION = [
  'none',
  'user',
  'admin',
  'refresh-as-bearer',
  'garbage',
  'tampered',
  'alg-none',
  'expired-shape',
  'basic',
  'bare-scheme',
  'huge',
] as const
type Authorization = (typeof AUTHORIZATION)[number]

function authorization(access: Access): fc.Arbitrary<Authorization> {
  const right: Authorization = access === 'admin' ? 'admin' : access === 'session' ? 'refresh-as-bearer' : 'user'
  return fc.oneof({ arbitrary: fc.constant(right), weight: 6 }, { arbitrary: fc.constantFrom(...AUTHORIZATION), weight: 4 })
}

const extraHeaders = fc.record(
  {
    'x-request-id': headerString,
    'x-forwarded-for': fc.oneof(headerString, fc.constantFrom('127.0.0.1', '::1', '10.0.0.1, 127.0.0.1', 'unknown', '999.999.999.999')),
    cookie: fc.oneof(
      fc.constant('portcullis_refresh=<<userRefresh>>'),
      headerString.map((s) => `portcullis_refresh=${s}`),
      headerString,
    ),
    'x-csrf-protection': fc.constantFrom('1', '0', ''),
    'x-user-role': fc.constant('admin'),
    'x-user-id': headerString,
    accept: fc.constantFrom('application/json', 'text/html', '*/*', 'application/xml', 'image/png;q=0.1'),
    'accept-encoding': fc.constantFrom('gzip', 'br', 'identity', 'x-unknown'),
    origin: fc.constantFrom('https://evil.example', 'null'),
    'x-padding': hugeHeader,
  },
  { requiredKeys: [] },
)

interface Recipe {
  param: unknown
  query: string
  payload: Payload | undefined
  auth: Authorization
  headers: Record<string, string | undefined>
}

function recipe(route: RouteSpec): fc.Arbitrary<Recipe> {
  return fc.record({
    param: route.param ? pathParam(route.param) : fc.constant(undefined),
    query: queryString(route.query ?? {}),
    payload: route.body ? fc.option(payload(route.body), { freq: 12, nil: undefined }) : fc.constant(undefined),
    auth: authorization(route.access),
    headers: extraHeaders,
  })
}

/** What a response body must never show, unless the request itself carried it (a field echoed back). */
const LEAKS: Array<[string, RegExp]> = [
  ['stack frame', /\bat [^\s()]+ \([^)]*:\d+:\d+\)|\n\s+at [^\n]+:\d+:\d+/],
  ['file path', /(\/work\/|\/home\/|\/tmp\/|\/usr\/|node_modules|file:\/\/|[\w-]+\.(ts|js|mjs|cjs):\d+)/],
  ['database error code', /\b(SQLITE_[A-Z_]+|ER_[A-Z_]{3,}|ECONNREFUSED|PROTOCOL_[A-Z_]+)\b/],
  ['database library', /better-sqlite3|mysql2|kysely|sqlite3?\b|mariadb/i],
  ['SQL text', /\bselect\b[\s\S]{0,200}\bfrom\b|\binsert\s+into\b|\bupdate\s+`?\w+`?\s+set\b|\bdelete\s+from\b|syntax error|\bwhere\b[\s\S]{0,80}=\s*\?/i],
  [
    'JavaScript error',
    /\b(TypeError|ReferenceError|RangeError|SyntaxError|AggregateError)\b|Cannot read propert|is not a function|is not defined|Unexpected token/,
  ],
]

function stringsOf(value: unknown, into: Set<string>, depth = 0): void {
  if (depth > 50) return
  if (typeof value === 'string') into.add(value)
  else if (Array.isArray(value)) for (const item of value) stringsOf(item, into, depth + 1)
  else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      into.add(key)
      stringsOf(item, into, depth + 1)
    }
  }
}

function reflected(text: string, sent: ReadonlySet<string>): boolean {
  for (const s of sent) if (s.includes(text)) return true
  return false
}

/** Every rule a response breaks; empty when it is fine. */
function judge(answer: Answer, sent: ReadonlySet<string>): string[] {
  const broken: string[] = []
  if (answer.status >= 500) broken.push(`status ${answer.status}`)
  if (answer.status >= 400) {
    const type = answer.headers.get('content-type') ?? ''
    if (!type.startsWith('application/problem+json')) broken.push(`error with content-type "${type}"`)
    if (typeof answer.body !== 'object' || answer.body === null || typeof answer.body.code !== 'string' || !/^[a-z_]+$/.test(answer.body.code)) {
      broken.push('error without a code')
    } else if (answer.body.status !== answer.status) broken.push(`problem status ${answer.body.status} for HTTP ${answer.status}`)
  }
  const texts = new Set<string>()
  if (typeof answer.body === 'object' && answer.body !== null) stringsOf(answer.body, texts)
  else if (answer.text) texts.add(answer.text)
  for (const text of texts) {
    for (const [what, pattern] of LEAKS) {
      const match = pattern.exec(text)
      if (match && !reflected(match[0], sent)) broken.push(`${what} in the body: ${JSON.stringify(text.slice(0, 200))}`)
    }
  }
  return broken
}

function claims(token: string): { sid: string; sub: string } {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString())
}

t.test('fuzzing every public route through the gateway', async (t) => {
  // Throttling is tested elsewhere; here thousands of wrong passwords from 127.0.0.1 must not lock the fuzz accounts out.
  const stack = await startTestStack(t, 'sqlite', { env: { LOGIN_ACCOUNT_FREE_FAILURES: '1000', LOGIN_IP_FREE_FAILURES: '100000' } })
  let requests = 0
  const api = (method: string, path: string, options?: Parameters<typeof send>[3]) => {
    requests++
    return send(stack.url, method, path, options)
  }
  const userId = await createAccount(stack, api, 'fuzzer')
  await createAccount(stack, api, 'target')
  const victimId = await createAccount(stack, api, 'victim')
  await createAccount(stack, api, 'fuzzadmin', 'admin')

  // A fuzzed password change that succeeds changes the password of whoever's token it carried.
  const passwords = { fuzzer: PASSWORD, fuzzadmin: PASSWORD }
  let user: Session = await logIn(api, 'fuzzer')
  let other: Session = await logIn(api, 'fuzzer')
  let admin: Session = await logIn(api, 'fuzzadmin')
  const renewSessions = async () => {
    user = await logIn(api, 'fuzzer', passwords.fuzzer)
    other = await logIn(api, 'fuzzer', passwords.fuzzer)
    admin = await logIn(api, 'fuzzadmin', passwords.fuzzadmin)
  }
  const refs = (): Record<string, string> => ({
    userAccess: user.access_token,
    userRefresh: user.refresh_token,
    userPassword: passwords.fuzzer,
    userId,
    userSessionId: claims(user.access_token).sid,
    otherSessionId: claims(other.access_token).sid,
    adminAccess: admin.access_token,
    victimId,
  })
  const authorizationHeader = (auth: Authorization, values: Record<string, string>): string | undefined => {
    const forged = (header: object, token: string) => {
      const [, body] = token.split('.')
      return `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${body}.`
    }
    switch (auth) {
      case 'none':
        return undefined
      case 'user':
        return `Bearer ${values.userAccess}`
      case 'admin':
        return `Bearer ${values.adminAccess}`
      case 'refresh-as-bearer':
        return `Bearer ${values.userRefresh}`
      case 'garbage':
        return 'Bearer not.a.jwt'
      case 'tampered': {
        const [head, , signature] = (values.userAccess ?? '').split('.')
        const body = Buffer.from(JSON.stringify({ ...claims(values.userAccess ?? ''), role: 'admin' })).toString('base64url')
        return `Bearer ${head}.${body}.${signature}`
      }
      case 'alg-none':
        return `Bearer ${forged({ alg: 'none', typ: 'JWT' }, values.adminAccess ?? '')}`
      case 'expired-shape':
        return `Bearer ${forged({ alg: 'HS256', typ: 'JWT', kid: '../../etc/passwd' }, values.adminAccess ?? '')}`
      case 'basic':
        return `Basic ${Buffer.from('admin:admin').toString('base64')}`
      case 'bare-scheme':
        return 'Bearer'
      case 'huge':
        return `Bearer ${'A'.repeat(20_000)}`
    }
  }

  // Everything any request carried: a field stored by one request (a display name) may come back in a later answer.
  const sent = new Set<string>()
  const problems = new Tally()
  const statuses = new Tally()
  const perRoute: Record<string, { runs: number; statuses: Record<string, number> }> = {}
  const examples: string[] = []

  const budgetEnd = Date.now() + TOTAL_TIME_LIMIT_MS
  for (const [index, route] of ROUTES.entries()) {
    const share = (budgetEnd - Date.now()) / (ROUTES.length - index)
    const timeLimit = Math.max(2000, Math.min(ROUTE_TIME_LIMIT_MS, share))
    await renewSessions()
    const routeStatuses = new Tally()
    const property = fc.asyncProperty(recipe(route), async (r) => {
      const values = refs()
      const path = fillIn(route.path.replace(':id', String(r.param)) + r.query, values, encode)
      const headers: Record<string, string> = {}
      for (const [name, value] of Object.entries(r.headers)) if (value !== undefined) headers[name] = fillIn(value, values, (v) => v)
      const auth = authorizationHeader(r.auth, values)
      if (auth) headers.authorization = auth
      const raw = r.payload?.text === undefined ? undefined : fillIn(r.payload.text, values, (v) => JSON.stringify(v).slice(1, -1))
      if (r.payload?.contentType !== undefined) headers['content-type'] = r.payload.contentType
      for (const value of [path, decodeSafely(path), raw ?? '', ...Object.values(headers)]) if (value.length <= 20_000) sent.add(value)
      if (raw !== undefined) {
        try {
          stringsOf(JSON.parse(raw), sent)
        } catch {
          // not JSON: the raw text is already in `sent`
        }
      }
      let answer: Answer
      try {
        answer = await api(route.method, path, { raw, headers, timeoutMs: 10_000 })
      } catch (error) {
        const code = error instanceof NoAnswer ? error.code : String(error)
        problems.add(`no answer (${code})`)
        throw new Error(`${route.method} ${path.slice(0, 200)}: no answer: ${code}`)
      }
      statuses.add(answer.status)
      routeStatuses.add(answer.status)
      if (route.endsSession && answer.status < 300) {
        if (route.name === 'POST /auth/password' && (r.auth === 'user' || r.auth === 'admin')) {
          const sentBody = JSON.parse(raw ?? '{}') as { new_password?: string }
          if (typeof sentBody.new_password === 'string') passwords[r.auth === 'user' ? 'fuzzer' : 'fuzzadmin'] = sentBody.new_password
        }
        await renewSessions()
      }
      const broken = judge(answer, sent)
      for (const rule of broken) problems.add(rule.replace(/:.*$/s, ''))
      if (broken.length > 0) {
        const request = JSON.stringify({ headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, v.slice(0, 200)])), body: raw?.slice(0, 300) })
        throw new Error(
          `${route.method} ${path.slice(0, 200)} → ${answer.status}: ${broken.join('; ')}; answer ${answer.text.slice(0, 300)}; request ${request}`,
        )
      }
    })
    const details = await fc.check(property, { numRuns: RUNS, seed: SEED, interruptAfterTimeLimit: timeLimit, endOnFailure: true })
    perRoute[route.name] = { runs: details.numRuns, statuses: routeStatuses.toJSON() }
    if (details.failed) {
      const message = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance)
      examples.push(`${route.name}: ${message}`)
      t.fail(`${route.name}: a request broke a rule after ${details.numRuns} runs (replay with RELIABILITY_SEED=${SEED}): ${message}`)
    } else {
      t.pass(`${route.name}: ${details.numRuns} runs, ${JSON.stringify(routeStatuses.toJSON())}`)
    }
    t.ok(details.numRuns >= Math.min(RUNS, 20), `${route.name}: enough runs within the time limit (${details.numRuns})`)
  }

  for (const running of [stack.gateway, ...stack.auths, ...stack.users, ...stack.admins]) {
    requests++
    t.equal(await readyStatus(running), 200, `${running.url} still answers /readyz`)
  }
  // Polluted and extra fields never made anyone an admin: only the fuzz admin is one, and the victim whose role the fuzzed
  // admin PATCH may legitimately have changed.
  const admins = await stack.database.handle.db.selectFrom('users').select('username').where('role', '=', 'admin').execute()
  t.same(
    admins.map((row) => row.username).filter((name) => name !== 'fuzzadmin' && name !== 'victim'),
    [],
    'no signup, login or profile change made an admin',
  )

  const errors = problems.total()
  t.equal(errors, 0, 'no 5xx, no error without problem+json and a code, no leak')
  t.notOk(statuses.counts.has('500'), 'never a 500')
  reportFigures(t, {
    name: 'fuzz',
    requests,
    faults: 0,
    errors,
    dataLost: 0,
    details: { replay: `RELIABILITY_SEED=${SEED}`, runsPerRoute: RUNS, statuses: statuses.toJSON(), problems: problems.toJSON(), perRoute, examples },
  })
})

function decodeSafely(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}
