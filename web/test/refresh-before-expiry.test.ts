// The access token is refreshed shortly before it expires, on one timer per tab that a token from another tab resets;
// the retry after a 401 stays as the fallback. Timers and the clock are fake; fetch is stubbed.
import { json, noContent, problem, stubFetch } from '@portcullis/testkit/fetch-stub'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { testUser } from './users.ts'

type Actions = typeof import('../src/lib/session/session-actions.ts')
type Schedule = typeof import('../src/lib/session/refresh-before-expiry.ts')
type Store = typeof import('../src/lib/session/session-store.ts')['sessionStore']
type Client = typeof import('../src/lib/api-client.ts')

const CHANNEL = 'portcullis-session'
const START = new Date('2030-01-01T00:00:00Z')

const alice = testUser({ email: null, email_verified: false, display_name: null })

function tokens(accessToken: string, expiresIn = 600): Response {
  return json({ access_token: accessToken, token_type: 'Bearer', expires_in: expiresIn, user: alice })
}

/** Milliseconds since the test's start on the fake clock. */
function elapsed(): number {
  return Date.now() - START.getTime()
}

let actions: Actions
let schedule: Schedule
let store: Store
let client: Client
let otherTab: BroadcastChannel
let stops: Array<() => void> = []

beforeEach(async () => {
  // Only the timers and the clock are fake: the tab channel and promises run as they do.
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
  vi.setSystemTime(START)
  vi.resetModules()
  actions = await import('../src/lib/session/session-actions.ts')
  schedule = await import('../src/lib/session/refresh-before-expiry.ts')
  store = (await import('../src/lib/session/session-store.ts')).sessionStore
  client = await import('../src/lib/api-client.ts')
  otherTab = new BroadcastChannel(CHANNEL)
})

afterEach(() => {
  for (const stop of stops) stop()
  stops = []
  otherTab.close()
  vi.unstubAllGlobals()
  vi.useRealTimers()
})

/** Starts this tab's refresh timer, stopped after the test. */
function refreshBeforeExpiry(): void {
  stops.push(schedule.refreshBeforeExpiry())
}

/** The next change of this tab's session. */
function nextChange(): Promise<void> {
  return new Promise((resolve) => {
    const unsubscribe = store.subscribe(() => {
      unsubscribe()
      resolve()
    })
  })
}

/** A server that issues tokens living `expiresIn` seconds and answers 401 to a token past its expiry. */
function serverWithExpiry(expiresIn = 600) {
  const expiry = new Map<string, number>()
  const refused: Array<{ token: string; at: number }> = []
  const refreshedAt: number[] = []
  let issued = 0
  const issue = () => {
    const token = `access-${++issued}`
    expiry.set(token, Date.now() + expiresIn * 1000)
    return tokens(token, expiresIn)
  }
  const stub = stubFetch({
    'POST /auth/login': issue,
    'POST /auth/refresh': () => {
      refreshedAt.push(elapsed())
      return issue()
    },
    'POST /auth/logout': () => noContent(),
    'GET /user/profile': (init) => {
      const token = String((init?.headers as Record<string, string> | undefined)?.authorization ?? '').replace(/^Bearer /, '')
      if (Date.now() < (expiry.get(token) ?? 0)) return json(alice)
      refused.push({ token, at: elapsed() })
      return problem(401, 'token_expired', 'The access token has expired')
    },
  })
  return { ...stub, refused, refreshedAt }
}

describe('refreshDelay', () => {
  it('waits 80 % of the life left, or until 30 s before the end when that is sooner', () => {
    expect(schedule.refreshDelay(600_000)).toBe(480_000)
    expect(schedule.refreshDelay(900_000)).toBe(720_000)
    expect(schedule.refreshDelay(100_000)).toBe(70_000)
    expect(schedule.refreshDelay(60_000)).toBe(30_000)
  })

  it('never fires at once for a token about to end, nor later than a timer can wait', () => {
    expect(schedule.refreshDelay(20_000)).toBe(5_000)
    expect(schedule.refreshDelay(-1_000)).toBe(5_000)
    expect(schedule.refreshDelay(365 * 24 * 3_600_000)).toBe(2 ** 31 - 1)
  })
})

describe('refreshBeforeExpiry', () => {
  it('refreshes a token before it expires, so that no request is answered 401 in half an hour of use', async () => {
    const server = serverWithExpiry(600)
    refreshBeforeExpiry()
    await actions.signIn('alice', 'correct horse battery staple')

    for (let minute = 1; minute <= 30; minute++) {
      await vi.advanceTimersByTimeAsync(60_000)
      await expect(client.apiFetch('/user/profile')).resolves.toEqual(alice)
    }

    expect(server.refused).toEqual([])
    // Each request went once: none needed the retry after a refresh.
    expect(server.calls.filter((call) => call === 'GET /user/profile')).toHaveLength(30)
    // At 80 % of each 10-minute token's life.
    expect(server.refreshedAt).toEqual([480_000, 960_000, 1_440_000])
  })

  it('refreshes a short-lived token 30 s before it ends', async () => {
    const server = serverWithExpiry(100)
    refreshBeforeExpiry()
    await actions.signIn('alice', 'correct horse battery staple')

    await vi.advanceTimersByTimeAsync(69_999)
    expect(server.refreshedAt).toEqual([])
    await vi.advanceTimersByTimeAsync(1)
    expect(server.refreshedAt).toEqual([70_000])
    expect(store.accessToken()).toBe('access-2')
  })

  it('keeps one timer while signed in and none while restoring or signed out', async () => {
    const server = serverWithExpiry(600)
    refreshBeforeExpiry()
    expect(store.get()).toEqual({ status: 'restoring' })
    expect(vi.getTimerCount()).toBe(0)

    await actions.signIn('alice', 'correct horse battery staple')
    expect(vi.getTimerCount()).toBe(1)
    await vi.advanceTimersByTimeAsync(480_000)
    expect(server.refreshedAt).toEqual([480_000])
    expect(vi.getTimerCount()).toBe(1)
    // A second sign-in replaces the timer rather than adding one.
    await actions.signIn('alice', 'correct horse battery staple')
    expect(vi.getTimerCount()).toBe(1)

    await actions.signOut()
    expect(store.get()).toEqual({ status: 'anonymous', reason: 'signed_out' })
    expect(vi.getTimerCount()).toBe(0)
    await vi.advanceTimersByTimeAsync(3_600_000)
    expect(server.refreshedAt).toEqual([480_000])
  })

  it('stops when the refresh is refused: the signed-out tab has no timer left', async () => {
    stubFetch({
      'POST /auth/login': () => tokens('access-1'),
      'POST /auth/refresh': () => problem(401, 'session_expired', 'The session has expired; sign in again'),
    })
    refreshBeforeExpiry()
    await actions.signIn('alice', 'correct horse battery staple')

    await vi.advanceTimersByTimeAsync(480_000)

    expect(store.get()).toEqual({ status: 'anonymous', reason: 'expired' })
    expect(vi.getTimerCount()).toBe(0)
  })

  it("reschedules when another tab shares a fresh token, so that this tab does not refresh on the old token's time", async () => {
    const { calls } = stubFetch({ 'POST /auth/refresh': () => tokens('own-refresh') })
    stops.push(actions.followOtherTabs())
    refreshBeforeExpiry()
    store.set({ status: 'signed-in', accessToken: 'first', user: alice, expiresAt: Date.now() + 600_000 })

    // Halfway through, the other tab refreshed and shares its token, good for ten minutes from now.
    await vi.advanceTimersByTimeAsync(300_000)
    const applied = nextChange()
    otherTab.postMessage({ type: 'signed-in', accessToken: 'shared', user: alice, expiresAt: Date.now() + 600_000 })
    await applied
    expect(store.accessToken()).toBe('shared')
    expect(vi.getTimerCount()).toBe(1)

    // The first token's moment (480 s) passes without a request...
    await vi.advanceTimersByTimeAsync(480_000 - 300_000 + 1_000)
    expect(calls).toEqual([])
    // ...and the shared token's (300 s + 480 s) brings one.
    await vi.advanceTimersByTimeAsync(780_000 - elapsed())
    expect(calls).toEqual(['POST /auth/refresh'])
    expect(store.accessToken()).toBe('own-refresh')
  })

  it('falls back to the retry after a 401 when the timer could not keep up (a sleeping laptop)', async () => {
    const server = serverWithExpiry(600)
    refreshBeforeExpiry()
    await actions.signIn('alice', 'correct horse battery staple')

    // The clock jumps past the expiry while no timer ran.
    vi.setSystemTime(new Date(START.getTime() + 700_000))
    await expect(client.apiFetch('/user/profile')).resolves.toEqual(alice)

    expect(server.refused).toEqual([{ token: 'access-1', at: 700_000 }])
    expect(server.refreshedAt).toEqual([700_000])
  })
})
