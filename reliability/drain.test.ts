// SIGTERM under load: a draining auth, user or admin instance fails no request through the gateway, and a draining gateway
// behind a balancer fails none either: it finishes every request it accepted, then refuses new connections.
import t from 'tap'
import { startTestStack } from '@portcullis/testkit/stack'
import type { RunningProcess } from '@portcullis/testkit/processes'
import { createAccount, logIn, PASSWORD, type Session } from './harness/accounts.ts'
import { reportFigures } from './harness/figures.ts'
import { createBalancer } from './harness/balancer.ts'
import { client, NoAnswer, send, sleep } from './harness/http.ts'
import { LoadRecorder, runWorkers, weighted } from './harness/load.ts'
import { exited, readyStatus } from './harness/processes.ts'

const WORKERS = 8
const MAX_REQUESTS = 100_000
const SETTLE_MS = 1500
const EXIT_WITHIN_MS = 15_000

const OPS = { login: 2, refresh: 3, signup: 2, profile: 4, patchProfile: 2, adminUsers: 3, sessions: 2 }

t.test('SIGTERM to each process under load', async (t) => {
  const stack = await startTestStack(t, 'sqlite', { authInstances: 2, userInstances: 2, adminInstances: 2, gatewayInstances: 2 })
  const api = client(stack.url)
  let setupRequests = 0
  const counted: typeof api = (...args) => {
    setupRequests++
    return api(...args)
  }
  await createAccount(stack, counted, 'drainadmin', 'admin')
  const admin = await logIn(counted, 'drainadmin')
  const sessions: Session[] = []
  for (let i = 0; i < WORKERS; i++) {
    await createAccount(stack, counted, `drain${i}`)
    sessions.push(await logIn(counted, `drain${i}`))
  }
  let signups = 0
  let faults = 0
  let totalRequests = 0
  let totalErrors = 0
  const details: Record<string, unknown> = {}

  async function step(recorder: LoadRecorder, worker: number): Promise<void> {
    const session = sessions[worker] as Session
    switch (weighted(OPS, Math.random())) {
      case 'login': {
        const answer = await recorder.call('POST /auth/login', 'POST', '/auth/login', { body: { username: `drain${worker}`, password: PASSWORD } })
        if (answer?.status === 200) sessions[worker] = answer.body as Session
        break
      }
      case 'refresh': {
        const answer = await recorder.call('POST /auth/refresh', 'POST', '/auth/refresh', { body: { refresh_token: session.refresh_token } })
        if (answer?.status === 200) sessions[worker] = { ...session, access_token: answer.body.access_token, refresh_token: answer.body.refresh_token }
        break
      }
      case 'signup':
        await recorder.call('POST /auth/signup', 'POST', '/auth/signup', { body: { username: `d${worker}-${signups++}`, password: PASSWORD } }, [201])
        break
      case 'profile':
        await recorder.call('GET /user/profile', 'GET', '/user/profile', { token: session.access_token })
        break
      case 'patchProfile':
        await recorder.call('PATCH /user/profile', 'PATCH', '/user/profile', {
          token: session.access_token,
          body: { display_name: `w${worker} ${Date.now()}` },
        })
        break
      case 'adminUsers':
        await recorder.call('GET /admin/get-all-users', 'GET', '/admin/get-all-users?limit=10', { token: admin.access_token })
        break
      case 'sessions':
        await recorder.call('GET /user/sessions', 'GET', '/user/sessions', { token: session.access_token })
        break
    }
  }

  await t.test('a service instance drains while the gateway balances over two', async (t) => {
    const recorder = new LoadRecorder(api, MAX_REQUESTS)
    let running = true
    const load = runWorkers(
      WORKERS,
      recorder,
      () => running,
      (worker) => step(recorder, worker),
    )
    const stopped: Record<string, { exitCode: number | null; ms: number; sentWhileDraining: number }> = {}
    const drain = async (name: string, instance: RunningProcess | undefined) => {
      if (!instance) throw new Error(`no second ${name} instance`)
      await sleep(SETTLE_MS)
      const sentBefore = recorder.sent
      const started = Date.now()
      faults++
      instance.child.kill('SIGTERM')
      const exitCode = await exited(instance, EXIT_WITHIN_MS).catch(() => null)
      stopped[name] = { exitCode, ms: Date.now() - started, sentWhileDraining: recorder.sent - sentBefore }
      t.equal(exitCode, 0, `${name} drained and exited 0 within ${EXIT_WITHIN_MS} ms (${stopped[name].ms} ms)`)
    }
    try {
      await drain('auth', stack.auths[1])
      await drain('user', stack.users[1])
      await drain('admin', stack.admins[1])
      await sleep(SETTLE_MS)
    } finally {
      running = false
      await load
    }
    for (const instance of [stack.auths[0], stack.users[0], stack.admins[0], stack.gateway]) {
      if (instance) t.equal(await readyStatus(instance), 200, `${instance.url} is still ready`)
    }
    const errors = recorder.failures.length
    t.equal(errors, 0, `no request failed while instances drained (${recorder.sent} sent)${errors ? `: ${recorder.sample().join(' | ')}` : ''}`)
    if (errors > 0) t.comment(`gateway log:\n${stack.gateway.output().slice(-3000)}`)
    t.ok(recorder.sent > 100, `a real load was sent (${recorder.sent})`)
    totalRequests += recorder.sent + 4
    totalErrors += errors
    t.comment(`services: ${recorder.sent} requests, outcomes ${JSON.stringify(recorder.outcomes.toJSON())}`)
    t.comment(`services: drained ${JSON.stringify(stopped)}`)
    details.services = { requests: recorder.sent, outcomes: recorder.outcomes.toJSON(), drained: stopped, failures: recorder.sample() }
  })

  await t.test('a gateway drains behind a balancer: what it accepted completes, then it refuses connections', async (t) => {
    const [kept, draining] = stack.gateways
    if (!kept || !draining) throw new Error('two gateways expected')
    const balancer = createBalancer(stack.gateways)
    const recorder = new LoadRecorder(balancer.send, MAX_REQUESTS)
    let running = true
    const load = runWorkers(
      WORKERS,
      recorder,
      () => running,
      (worker) => step(recorder, worker),
    )
    let figures: Record<string, unknown> = {}
    try {
      await sleep(SETTLE_MS)
      const before = balancer.counts(draining.url)
      faults++
      const signalled = Date.now()
      draining.child.kill('SIGTERM')
      const exitCode = await exited(draining, EXIT_WITHIN_MS).catch(() => null)
      const exitMs = Date.now() - signalled
      const after = balancer.counts(draining.url)
      t.equal(exitCode, 0, `the gateway drained and exited 0 (${exitMs} ms)`)
      t.ok(before.inFlight > 0, `requests were in flight to it at the signal (${before.inFlight})`)
      t.equal(after.inFlight, 0, 'none is left hanging')
      let probe = 'answered'
      try {
        await send(draining.url, 'GET', '/healthz', { timeoutMs: 2000 })
      } catch (error) {
        probe = error instanceof NoAnswer ? error.code : String(error)
      }
      t.equal(probe, 'ECONNREFUSED', 'a new connection to it is refused')
      await sleep(SETTLE_MS)
      figures = {
        inFlightAtSignal: before.inFlight,
        answeredByItAfterSignal: after.answered - before.answered,
        exitMs,
        toItBeforeSignal: before.sent,
      }
    } finally {
      running = false
      await load
      await balancer.stop()
    }
    t.equal(await readyStatus(kept), 200, 'the other gateway is still ready')
    const errors = recorder.failures.length
    t.equal(errors, 0, `no request failed while a gateway drained (${recorder.sent} sent)${errors ? `: ${recorder.sample().join(' | ')}` : ''}`)
    if (errors > 0) t.comment(`gateway log:\n${draining.output().slice(-3000)}`)
    totalRequests += recorder.sent + 2
    totalErrors += errors
    details.gateway = { requests: recorder.sent, outcomes: recorder.outcomes.toJSON(), ...figures, failures: recorder.sample() }
    t.comment(`gateway: ${JSON.stringify(details.gateway)}`)
  })

  reportFigures(t, { name: 'drain', requests: totalRequests + setupRequests, faults, errors: totalErrors, dataLost: 0, details })
})
