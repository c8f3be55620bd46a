// MariaDB stopped and started again under a signup load: readiness goes red then green, requests fail fast with 503 and
// never hang, the stack recovers on its own, and every signup that was answered 201 is in the users table.
import t from 'tap'
import { startTestStack } from '@portcullis/testkit/stack'
import { testDatabaseKinds } from '@portcullis/testkit/databases'
import { createAccount, logIn, PASSWORD, type Session } from './harness/accounts.ts'
import { reportFigures } from './harness/figures.ts'
import { type Answer, client, sleep } from './harness/http.ts'
import { LoadRecorder, runWorkers } from './harness/load.ts'
import { mariaDbAvailable, startPrivateMariaDb } from './harness/mariadb.ts'
import { readyStatus } from './harness/processes.ts'

const WORKERS = 6
const MAX_REQUESTS = 50_000
const UPSTREAM_TIMEOUT_MS = 5000
/** No request may take longer than the gateway's upstream timeout, plus this much. */
const HANG_SLACK_MS = 1500
const OUTAGE_MS = 4000
const TURN_MS = 30_000

type Phase = 'before' | 'outage' | 'recovering' | 'after'

async function waitFor(check: () => Promise<boolean>, withinMs: number): Promise<number | undefined> {
  const started = Date.now()
  while (Date.now() - started < withinMs) {
    if (await check()) return Date.now() - started
    await sleep(100)
  }
  return undefined
}

const skip = !testDatabaseKinds().includes('mysql') ? 'TEST_DATABASES excludes mysql' : !mariaDbAvailable() ? 'no mariadbd on this machine' : false

t.test('MariaDB stopped and restarted under a signup load', { skip }, async (t) => {
  const mariadb = await startPrivateMariaDb()
  t.teardown(() => mariadb.destroy())
  const stack = await startTestStack(t, 'mysql', {
    mysqlServerUrl: mariadb.url,
    env: { UPSTREAM_TIMEOUT_MS: String(UPSTREAM_TIMEOUT_MS), DB_POOL_SIZE: '5' },
  })
  const api = client(stack.url)
  let setupRequests = 0
  const counted: typeof api = (...args) => {
    setupRequests++
    return api(...args)
  }
  await createAccount(stack, counted, 'reader')
  const reader: Session = await logIn(counted, 'reader')

  let phase: Phase = 'before'
  const accepted: string[] = []
  const byPhase: Record<Phase, Record<string, number>> = { before: {}, outage: {}, recovering: {}, after: {} }
  const slowest: Record<Phase, number> = { before: 0, outage: 0, recovering: 0, after: 0 }
  const badFailures: string[] = []
  const recorder = new LoadRecorder(api, MAX_REQUESTS)
  let running = true
  let signups = 0

  const unexpected: string[] = []
  // While the database is away any answer is allowed but a hang, a 500 or an error that is not problem+json with a code;
  // a request that started and ended with the database up must succeed.
  const judge = (op: string, answer: Answer | undefined, started: number, from: Phase) => {
    const ms = Date.now() - started
    const to = phase
    const at = from === to ? from : from === 'before' ? 'outage' : 'recovering'
    slowest[at] = Math.max(slowest[at], ms)
    const key = answer ? String(answer.status) : 'no answer'
    byPhase[at][`${op} ${key}`] = (byPhase[at][`${op} ${key}`] ?? 0) + 1
    if (!answer) return
    if ((at === 'before' || at === 'after') && answer.status >= 300) unexpected.push(`${at} ${op}: ${answer.status} ${answer.text.slice(0, 200)}`)
    if (answer.status >= 400) {
      const problem = (answer.headers.get('content-type') ?? '').startsWith('application/problem+json') && typeof answer.body?.code === 'string'
      if (!problem || answer.status === 500) badFailures.push(`${at} ${op}: ${answer.status} ${answer.text.slice(0, 200)}`)
    }
  }

  const ANY_ANSWER = [200, 201, 500, 502, 503, 504]
  const load = runWorkers(
    WORKERS,
    recorder,
    () => running,
    async (worker) => {
      const from = phase
      const started = Date.now()
      if (worker === 0) {
        const answer = await recorder.call('GET /user/profile', 'GET', '/user/profile', { token: reader.access_token }, ANY_ANSWER)
        judge('GET /user/profile', answer, started, from)
      } else {
        const username = `db${worker}-${signups++}`
        const answer = await recorder.call('POST /auth/signup', 'POST', '/auth/signup', { body: { username, password: PASSWORD } }, ANY_ANSWER)
        judge('POST /auth/signup', answer, started, from)
        if (answer?.status === 201) accepted.push(username)
        // Fail fast, but do not spin.
        if (answer && answer.status !== 201) await sleep(50)
      }
    },
  )

  const figures: Record<string, unknown> = {}
  let faults = 0
  try {
    await sleep(2000)
    t.equal(await readyStatus(stack.auth), 200, 'auth is ready before the outage')

    phase = 'outage'
    faults++
    const stopped = Date.now()
    await mariadb.stop('SIGTERM')
    figures.mariadbStopMs = Date.now() - stopped
    const red = await waitFor(async () => (await readyStatus(stack.auth)) === 503, TURN_MS)
    t.ok(red !== undefined, `auth's /readyz went red (${red} ms after MariaDB stopped)`)
    figures.readyzRedAfterMs = red
    for (const service of [stack.users[0], stack.admin]) {
      if (service) t.equal(await readyStatus(service), 503, `${service.url} is not ready either`)
    }
    await sleep(OUTAGE_MS)

    phase = 'recovering'
    faults++
    const restarted = Date.now()
    await mariadb.start()
    figures.mariadbStartMs = Date.now() - restarted
    const green = await waitFor(async () => (await readyStatus(stack.auth)) === 200, TURN_MS)
    t.ok(green !== undefined, `auth's /readyz is green again (${green} ms after MariaDB was back)`)
    figures.readyzGreenAfterMs = green
    // The gateway sees its upstreams come back through its own probes (every second).
    const gatewayGreen = await waitFor(async () => (await readyStatus(stack.gateway)) === 200, TURN_MS)
    t.ok(gatewayGreen !== undefined, `the gateway is ready again (${gatewayGreen} ms later)`)
    await sleep(1500)

    phase = 'after'
    await sleep(3000)
  } finally {
    running = false
    await load
  }

  for (const p of [stack.gateway, stack.auth, ...stack.users, stack.admin]) t.equal(await readyStatus(p), 200, `${p.url} is ready at the end`)

  const afterSignups = Object.entries(byPhase.after)
    .filter(([key]) => key.startsWith('POST /auth/signup'))
    .reduce((sum, [, n]) => sum + n, 0)
  t.ok((byPhase.after['POST /auth/signup 201'] ?? 0) > 0 && byPhase.after['POST /auth/signup 201'] === afterSignups, 'signups succeed again after the restart')
  const outageAnswers = Object.entries(byPhase.outage).filter(([key]) => !key.endsWith(' 200') && !key.endsWith(' 201'))
  t.ok(outageAnswers.length > 0, `requests during the outage were answered: ${JSON.stringify(byPhase.outage)}`)
  t.same(badFailures, [], 'every failure was problem+json with a code, and none a 500')
  const noAnswer = recorder.failures
  t.same(
    noAnswer.map((f) => `${f.op}: ${f.outcome}`),
    [],
    'no request went unanswered (no hang to the client timeout, no dropped connection)',
  )
  const hangLimit = UPSTREAM_TIMEOUT_MS + HANG_SLACK_MS
  for (const at of ['outage', 'recovering'] as const) t.ok(slowest[at] <= hangLimit, `${at}: slowest answer ${slowest[at]} ms (limit ${hangLimit} ms)`)
  t.same(unexpected.slice(0, 10), [], 'with the database up, before and after the outage, every request succeeded')

  // No accepted signup lost: every 201 is a row.
  const db = stack.database.handle.db
  let found = 0
  for (let i = 0; i < accepted.length; i += 500) {
    const chunk = accepted.slice(i, i + 500)
    const rows = await db.selectFrom('users').select('username').where('username', 'in', chunk).execute()
    found += rows.length
  }
  const dataLost = accepted.length - found
  t.equal(dataLost, 0, `every one of the ${accepted.length} accepted signups is in the users table`)

  const errors = badFailures.length + noAnswer.length + unexpected.length
  if (errors > 0) t.comment(`auth log:\n${stack.auth.output().slice(-3000)}`)
  reportFigures(t, {
    name: 'database-restart',
    requests: recorder.sent + setupRequests,
    faults,
    errors,
    dataLost,
    details: {
      ...figures,
      acceptedSignups: accepted.length,
      slowestAnswerMs: slowest,
      outcomesByPhase: byPhase,
      failures: [...badFailures.slice(0, 5), ...recorder.sample(5)],
    },
  })
})
