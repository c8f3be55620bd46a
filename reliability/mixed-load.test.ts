// A minute of mixed traffic through the gateway: no error, no connection failure, and the memory of every process levels off.
import t from 'tap'
import { startTestStack } from '@portcullis/testkit/stack'
import { createAccount, logIn, type Session } from './harness/accounts.ts'
import { reportFigures } from './harness/figures.ts'
import { client, sleep } from './harness/http.ts'
import { LoadRecorder, runWorkers, weighted } from './harness/load.ts'
import { isAlive, readyStatus, residentMiB } from './harness/processes.ts'
import { reliabilitySettings } from './harness/settings.ts'

const SECONDS = reliabilitySettings().RELIABILITY_SECONDS
const WORKERS = 12
const MAX_REQUESTS = 200_000
const SAMPLE_EVERY_MS = 2000
/** The last third's average resident memory may exceed the middle third's by at most this factor. */
const MEMORY_GROWTH_ALLOWED = 1.3
/**
 * V8 sizes its heap from the machine's memory (GiBs here) and leaves garbage uncollected for long under that roof, which would
 * read as growth within a minute; under a roof a service fits well within, garbage is collected and a leak shows for what it is.
 */
const HEAP_ROOF_MIB = 256

const OPS = {
  profile: 30,
  dashboard: 8,
  sessions: 5,
  refresh: 15,
  relogin: 8,
  adminUsers: 14,
  auditEvents: 5,
  signup: 5,
  patchProfile: 5,
  jwks: 5,
}

t.test(`${SECONDS} s of mixed load through the gateway`, async (t) => {
  const stack = await startTestStack(t, 'sqlite', {
    userInstances: 2,
    env: { RATE_LIMIT_PER_IP: '0', LOGIN_LIMIT_PER_IP: '0', NODE_OPTIONS: `--max-old-space-size=${HEAP_ROOF_MIB}` },
  })
  let setupRequests = 0
  const api = client(stack.url)
  const counted: typeof api = (...args) => {
    setupRequests++
    return api(...args)
  }
  await createAccount(stack, counted, 'loadadmin', 'admin')
  let admin = await logIn(counted, 'loadadmin')
  // One account per worker, so that no two requests ever race on one session's refresh token (the storm test does that).
  const sessions: Session[] = []
  const names: string[] = []
  for (let i = 0; i < WORKERS; i++) {
    names.push(`load${i}`)
    await createAccount(stack, counted, `load${i}`)
    sessions.push(await logIn(counted, `load${i}`))
  }

  const processes = { gateway: stack.gateway, auth: stack.auth, user0: stack.users[0], user1: stack.users[1], admin: stack.admin }
  const samples: Array<{ at: number; rss: Record<string, number | undefined>; heap: Record<string, number | undefined> }> = []
  let metricsRequests = 0
  /** V8's used heap as the process reports it on /metrics, in MiB. */
  const heapMiB = async (managementUrl: string): Promise<number | undefined> => {
    metricsRequests++
    try {
      const text = await (await fetch(`${managementUrl}/metrics`, { signal: AbortSignal.timeout(2000) })).text()
      const bytes = Number(/^nodejs_heap_size_used_bytes(?:\{[^}]*\})? (\S+)/m.exec(text)?.[1])
      return Number.isFinite(bytes) ? Math.round(bytes / 2 ** 20) : undefined
    } catch {
      return undefined
    }
  }
  const recorder = new LoadRecorder(api, MAX_REQUESTS)
  const deadline = Date.now() + SECONDS * 1000
  const keepGoing = () => Date.now() < deadline
  const sampler = (async () => {
    while (keepGoing()) {
      const entries = Object.entries(processes)
      samples.push({
        at: Date.now() - recorder.started,
        rss: Object.fromEntries(entries.map(([name, p]) => [name, residentMiB(p?.child.pid)])),
        heap: Object.fromEntries(await Promise.all(entries.map(async ([name, p]) => [name, p ? await heapMiB(p.managementUrl) : undefined] as const))),
      })
      await sleep(SAMPLE_EVERY_MS)
    }
  })()
  let signups = 0
  let adminRefreshing: Promise<void> | undefined

  await runWorkers(WORKERS, recorder, keepGoing, async (worker) => {
    const session = sessions[worker] as Session
    const token = session.access_token
    switch (weighted(OPS, Math.random())) {
      case 'profile':
        await recorder.call('GET /user/profile', 'GET', '/user/profile', { token })
        break
      case 'dashboard':
        await recorder.call('GET /user/dashboard', 'GET', '/user/dashboard', { token })
        break
      case 'sessions':
        await recorder.call('GET /user/sessions', 'GET', '/user/sessions', { token })
        break
      case 'refresh': {
        const answer = await recorder.call('POST /auth/refresh', 'POST', '/auth/refresh', { body: { refresh_token: session.refresh_token } })
        if (answer?.status === 200) sessions[worker] = { ...session, access_token: answer.body.access_token, refresh_token: answer.body.refresh_token }
        break
      }
      case 'relogin': {
        await recorder.call('POST /auth/logout', 'POST', '/auth/logout', { body: { refresh_token: session.refresh_token } }, [204])
        const answer = await recorder.call('POST /auth/login', 'POST', '/auth/login', {
          body: { username: names[worker], password: 'correct horse battery staple' },
        })
        if (answer?.status === 200) sessions[worker] = answer.body as Session
        break
      }
      case 'adminUsers': {
        const first = await recorder.call('GET /admin/get-all-users', 'GET', '/admin/get-all-users?limit=20&sort=username', { token: admin.access_token })
        const cursor = first?.body?.next_cursor
        if (typeof cursor === 'string') {
          await recorder.call('GET /admin/get-all-users', 'GET', `/admin/get-all-users?limit=20&sort=username&cursor=${encodeURIComponent(cursor)}`, {
            token: admin.access_token,
          })
        }
        break
      }
      case 'auditEvents':
        await recorder.call('GET /admin/audit-events', 'GET', '/admin/audit-events?limit=50&type=login_succeeded', { token: admin.access_token })
        break
      case 'signup': {
        const username = `s${worker}-${signups++}`
        await recorder.call('POST /auth/signup', 'POST', '/auth/signup', { body: { username, password: 'correct horse battery staple' } }, [201])
        break
      }
      case 'patchProfile':
        await recorder.call('PATCH /user/profile', 'PATCH', '/user/profile', { token, body: { display_name: `Worker ${worker} at ${Date.now()}` } })
        break
      case 'jwks':
        await recorder.call('GET /auth/.well-known/jwks.json', 'GET', '/auth/.well-known/jwks.json')
        break
    }
    // The admin's access token lives 10 minutes; refresh it now and then anyway, one refresh at a time.
    if (worker === 0 && Math.random() < 0.01 && !adminRefreshing) {
      adminRefreshing = (async () => {
        const answer = await recorder.call('POST /auth/refresh', 'POST', '/auth/refresh', { body: { refresh_token: admin.refresh_token } })
        if (answer?.status === 200) admin = { ...admin, access_token: answer.body.access_token, refresh_token: answer.body.refresh_token }
        adminRefreshing = undefined
      })()
      await adminRefreshing
    }
  })
  await sampler
  const elapsed = (Date.now() - recorder.started) / 1000

  const ready: Record<string, number | string> = {}
  for (const [name, p] of Object.entries(processes)) {
    if (!p) continue
    t.ok(isAlive(p), `${name} is still running`)
    ready[name] = await readyStatus(p)
    t.equal(ready[name], 200, `${name} still answers /readyz`)
  }

  const third = Math.floor(samples.length / 3)
  const middle = samples.slice(third, 2 * third)
  const last = samples.slice(2 * third)
  const average = (rows: typeof samples, name: string, kind: 'rss' | 'heap') => {
    const values = rows.map((row) => row[kind][name]).filter((v): v is number => v !== undefined)
    return Math.round(values.reduce((sum, v) => sum + v, 0) / Math.max(1, values.length))
  }
  const memory: Record<string, { rss: { first: number; middle: number; last: number; max: number }; heap: { middle: number; last: number } }> = {}
  for (const name of Object.keys(processes)) {
    const values = samples.map((row) => row.rss[name]).filter((v): v is number => v !== undefined)
    const rss = {
      first: Math.round(values[0] ?? 0),
      middle: average(middle, name, 'rss'),
      last: average(last, name, 'rss'),
      max: Math.round(Math.max(...values)),
    }
    memory[name] = { rss, heap: { middle: average(middle, name, 'heap'), last: average(last, name, 'heap') } }
    t.ok(
      third > 0 && rss.last <= rss.middle * MEMORY_GROWTH_ALLOWED,
      `${name}: resident memory stable (middle third ${rss.middle} MiB, last third ${rss.last} MiB; heap ${memory[name].heap.middle} → ${memory[name].heap.last} MiB)`,
    )
  }

  const errors = recorder.failures.length
  t.equal(errors, 0, `no error and no connection failure in ${recorder.sent} requests${errors ? `: ${recorder.sample().join(' | ')}` : ''}`)
  t.ok(recorder.sent > SECONDS * 20, `a real load was sent (${recorder.sent} requests, ${Math.round(recorder.sent / elapsed)}/s)`)
  reportFigures(t, {
    name: 'mixed-load',
    requests: recorder.sent + setupRequests + metricsRequests + Object.keys(ready).length,
    faults: 0,
    errors,
    dataLost: 0,
    details: {
      seconds: Math.round(elapsed),
      throughputPerSecond: Math.round(recorder.sent / elapsed),
      latencyMs: { p50: recorder.percentile(50), p95: recorder.percentile(95), p99: recorder.percentile(99), max: recorder.percentile(100) },
      outcomes: recorder.outcomes.toJSON(),
      memoryMiB: memory,
      failures: recorder.sample(),
    },
  })
})
