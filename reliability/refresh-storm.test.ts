// Many tabs of one session refreshing at once, in waves: inside the reuse grace window every refresh succeeds, no reuse alarm
// is raised and the session lives on; a genuine replay after the window is caught and ends the session.
import t from 'tap'
import { startTestStack } from '@portcullis/testkit/stack'
import { createAccount, PASSWORD } from './harness/accounts.ts'
import { reportFigures } from './harness/figures.ts'
import { type Answer, client, sleep, Tally } from './harness/http.ts'

const TABS = 20
const WAVES = 6
const GRACE_S = 2
const COOKIE = 'portcullis_refresh'

type Mode = 'token' | 'cookie'

/** The refresh token a response hands out: in the body (token mode) or in the Set-Cookie header (cookie mode). */
function issuedToken(answer: Answer, mode: Mode): string | undefined {
  if (mode === 'token') return answer.body?.refresh_token
  for (const cookie of answer.headers.getSetCookie()) {
    const match = new RegExp(`^${COOKIE}=([^;]+)`).exec(cookie)
    if (match?.[1]) return match[1]
  }
  return undefined
}

t.test('a refresh storm from many tabs of one session', async (t) => {
  // Two auth instances behind the gateway: the tabs' refreshes land on both, as they would in production.
  const stack = await startTestStack(t, 'sqlite', { authInstances: 2, env: { REFRESH_REUSE_GRACE: String(GRACE_S) } })
  const api = client(stack.url)
  const db = stack.database.handle.db
  let requests = 0
  let faults = 0
  let errors = 0
  const outcomes = new Tally()
  const call: typeof api = async (...args) => {
    requests++
    return api(...args)
  }
  const reuseAlarms = async (userId: string) =>
    (await db.selectFrom('audit_events').select('id').where('type', '=', 'refresh_reuse_detected').where('user_id', '=', userId).execute()).length
  const refresh = (mode: Mode, token: string) =>
    mode === 'token'
      ? call('POST', '/auth/refresh', { body: { refresh_token: token } })
      : call('POST', '/auth/refresh', { headers: { cookie: `${COOKIE}=${token}`, 'x-csrf-protection': '1' } })

  const figures: Record<string, unknown> = {}
  for (const mode of ['token', 'cookie'] as const) {
    await t.test(`${mode} mode`, async (t) => {
      const username = `storm-${mode}`
      const userId = await createAccount(stack, call, username)
      const login = await call('POST', '/auth/login', { body: { username, password: PASSWORD, session: mode } })
      t.equal(login.status, 200, 'signed in')
      let current = issuedToken(login, mode)
      if (!current) throw new Error(`no refresh token after login: ${login.text}`)
      const spent: string[] = []
      let access = login.body.access_token as string
      let refreshed = 0
      let failed = 0
      const waveMs: number[] = []

      for (let wave = 0; wave < WAVES; wave++) {
        const presented = current
        const started = Date.now()
        const answers = await Promise.all(Array.from({ length: TABS }, () => refresh(mode, presented)))
        waveMs.push(Date.now() - started)
        spent.push(presented)
        const fresh: string[] = []
        for (const answer of answers) {
          outcomes.add(`${mode} ${answer.status}`)
          if (answer.status === 200) {
            refreshed++
            const token = issuedToken(answer, mode)
            if (token) fresh.push(token)
            access = answer.body.access_token
          } else {
            failed++
            t.comment(`wave ${wave}: ${answer.status} ${answer.text.slice(0, 200)}`)
          }
        }
        t.equal(fresh.length, TABS, `wave ${wave + 1}: all ${TABS} tabs refreshed (${waveMs[wave]} ms)`)
        // The next wave's tabs all hold the token one of this wave's answers set, as tabs sharing one cookie jar would.
        current = fresh[Math.floor(Math.random() * fresh.length)] ?? current
      }
      errors += failed
      t.equal(await reuseAlarms(userId), 0, 'no refresh_reuse_detected audit event')
      const profile = await call('GET', '/user/profile', { token: access })
      t.equal(profile.status, 200, 'the session is alive: its newest access token works')
      const alive = await refresh(mode, current)
      t.equal(alive.status, 200, 'and its newest refresh token still refreshes')
      const newest = issuedToken(alive, mode) ?? current
      const liveAccess = alive.body?.access_token ?? access
      if (alive.status !== 200) errors++

      // A thief replaying a token spent in the first wave, after the grace window: that is reuse, and it ends the session.
      await sleep(GRACE_S * 1000 + 1000)
      faults++
      const replay = await refresh(mode, spent[0] as string)
      outcomes.add(`${mode} replay ${replay.status}`)
      t.equal(replay.status, 401, 'a replay after the grace window is refused')
      t.equal(replay.body?.code, 'refresh_token_reused', 'as reuse')
      t.equal(await reuseAlarms(userId), 1, 'and raises one refresh_reuse_detected audit event')
      const after = await refresh(mode, newest)
      t.equal(after.status, 401, 'the whole session is revoked: even its newest refresh token is refused')
      let revokedMs = -1
      const startedWaiting = Date.now()
      while (Date.now() - startedWaiting < 5000) {
        if ((await call('GET', '/user/profile', { token: liveAccess })).status === 401) {
          revokedMs = Date.now() - startedWaiting
          break
        }
        await sleep(100)
      }
      t.ok(revokedMs >= 0, `and its access token is refused at the gateway within 5 s (${revokedMs} ms)`)
      if (replay.status !== 401 || after.status !== 401 || revokedMs < 0) errors++
      figures[mode] = { waves: WAVES, tabs: TABS, refreshed, failed, waveMs, replay: replay.status, accessRefusedAfterMs: revokedMs }
    })
  }

  reportFigures(t, { name: 'refresh-storm', requests, faults, errors, dataLost: 0, details: { ...figures, outcomes: outcomes.toJSON() } })
})
