// Session logic of the SPA: one refresh at a time (in this tab and across tabs), cookie-mode sign-in, sign-out,
// cross-tab sync, and the API client's retry-once-after-refresh. fetch is stubbed; nothing touches the network.
import { json, noContent, problem, stubFetch } from '@portcullis/testkit/fetch-stub'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { testUser } from './users.ts'

type Actions = typeof import('../src/lib/session/session-actions.ts')
type Store = typeof import('../src/lib/session/session-store.ts')['sessionStore']
type Client = typeof import('../src/lib/api-client.ts')
type Problems = typeof import('../src/lib/problem.ts')

const CHANNEL = 'portcullis-session'
const LOCK = 'portcullis-refresh'

const alice = testUser({ display_name: null })

function tokens(accessToken: string, extra: Record<string, unknown> = {}): Response {
  return json({ access_token: accessToken, token_type: 'Bearer', expires_in: 600, user: alice, ...extra })
}

interface Deferred<T> {
  promise: Promise<T>
  resolve: (value: T) => void
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void
  const promise = new Promise<T>((done) => {
    resolve = done
  })
  return { promise, resolve }
}

function headersOf(init: RequestInit | undefined): Record<string, string> {
  return (init?.headers ?? {}) as Record<string, string>
}

/** The next message that another tab (a second BroadcastChannel) would see. */
function nextMessage(channel: BroadcastChannel): Promise<unknown> {
  return new Promise((resolve) => channel.addEventListener('message', (event) => resolve((event as MessageEvent).data), { once: true }))
}

/** navigator.locks as an in-process queue per lock name, enough to model tabs taking turns. */
function installLocks() {
  const tails = new Map<string, Promise<unknown>>()
  const requested: string[] = []
  const locks = {
    request(name: string, ...rest: unknown[]): Promise<unknown> {
      const callback = rest[rest.length - 1] as (lock: { name: string; mode: string }) => unknown
      requested.push(name)
      const previous = tails.get(name) ?? Promise.resolve()
      const result = previous.then(() => callback({ name, mode: 'exclusive' }))
      tails.set(
        name,
        result.catch(() => undefined),
      )
      return result
    },
  }
  Object.defineProperty(navigator, 'locks', { value: locks, configurable: true })
  return { locks, requested }
}

let actions: Actions
let store: Store
let client: Client
let problems: Problems
let otherTab: BroadcastChannel
let stopFollowing: (() => void) | undefined

beforeEach(async () => {
  // Fresh module state for each test: the store starts 'restoring', no refresh in flight, no token shared yet.
  vi.resetModules()
  actions = await import('../src/lib/session/session-actions.ts')
  store = (await import('../src/lib/session/session-store.ts')).sessionStore
  client = await import('../src/lib/api-client.ts')
  problems = await import('../src/lib/problem.ts')
  otherTab = new BroadcastChannel(CHANNEL)
  localStorage.clear()
  sessionStorage.clear()
})

afterEach(() => {
  stopFollowing?.()
  stopFollowing = undefined
  otherTab.close()
  Reflect.deleteProperty(navigator, 'locks')
  vi.unstubAllGlobals()
  vi.useRealTimers()
})

function signInAs(accessToken: string): void {
  store.set({ status: 'signed-in', accessToken, user: alice, expiresAt: Date.now() + 60_000 })
}

describe('refreshSession', () => {
  it('shares one POST /auth/refresh between five concurrent callers', async () => {
    const answer = deferred<Response>()
    const { fetchMock } = stubFetch({ 'POST /auth/refresh': () => answer.promise })
    const told = nextMessage(otherTab)

    const pending = Array.from({ length: 5 }, () => actions.refreshSession())
    answer.resolve(tokens('access-1'))
    const results = await Promise.all(pending)

    expect(results).toEqual([true, true, true, true, true])
    expect(fetchMock).toHaveBeenCalledTimes(1)
    const [url, init] = fetchMock.mock.calls[0] ?? []
    expect(url).toBe('/auth/refresh')
    expect(init?.method).toBe('POST')
    expect(init?.credentials).toBe('same-origin')
    expect(headersOf(init)['x-csrf-protection']).toBe('1')
    expect(init?.body).toBeUndefined()
    expect(store.get()).toMatchObject({ status: 'signed-in', accessToken: 'access-1', user: alice })
    expect(await told).toMatchObject({ type: 'signed-in', accessToken: 'access-1', user: alice })
  })

  it('sends a new request once the previous refresh has settled', async () => {
    let n = 0
    const { fetchMock } = stubFetch({ 'POST /auth/refresh': () => tokens(`access-${++n}`) })
    expect(await actions.refreshSession()).toBe(true)
    expect(await actions.refreshSession()).toBe(true)
    expect(fetchMock).toHaveBeenCalledTimes(2)
    expect(store.accessToken()).toBe('access-2')
  })

  it('leaves the store anonymous and resolves false when the cookie is refused (401)', async () => {
    stubFetch({ 'POST /auth/refresh': () => problem(401, 'invalid_refresh_token', 'The refresh token is not valid') })
    expect(store.get()).toEqual({ status: 'restoring' })
    expect(await actions.refreshSession()).toBe(false)
    expect(store.get()).toEqual({ status: 'anonymous' })
  })

  it('marks a signed-in session whose refresh fails as expired', async () => {
    signInAs('old')
    stubFetch({ 'POST /auth/refresh': () => problem(401, 'session_expired', 'The session has expired; sign in again') })
    expect(await actions.refreshSession()).toBe(false)
    expect(store.get()).toEqual({ status: 'anonymous', reason: 'expired' })
  })

  it("gives the reason 'disabled' for a 403 account_disabled, and tells the other tabs", async () => {
    signInAs('old')
    stubFetch({ 'POST /auth/refresh': () => problem(403, 'account_disabled', 'This account is disabled') })
    const told = nextMessage(otherTab)
    expect(await actions.refreshSession()).toBe(false)
    expect(store.get()).toEqual({ status: 'anonymous', reason: 'disabled' })
    expect(await told).toEqual({ type: 'signed-out', reason: 'disabled' })
  })

  it("gives the reason 'disabled' when a reload's first refresh is refused with account_disabled", async () => {
    stubFetch({ 'POST /auth/refresh': () => problem(403, 'account_disabled', 'This account is disabled') })
    expect(store.get()).toEqual({ status: 'restoring' })
    expect(await actions.refreshSession()).toBe(false)
    expect(store.get()).toEqual({ status: 'anonymous', reason: 'disabled' })
  })
})

describe('apiFetch', () => {
  it('refreshes once after a 401 and retries with the new token', async () => {
    signInAs('old')
    let profileCalls = 0
    const { callsTo } = stubFetch({
      'GET /user/profile': () => (++profileCalls === 1 ? problem(401, 'token_expired', 'The access token has expired') : json(alice)),
      'POST /auth/refresh': () => tokens('new'),
    })

    await expect(client.apiFetch('/user/profile')).resolves.toEqual(alice)

    const profile = callsTo('GET', '/user/profile')
    expect(profile).toHaveLength(2)
    expect(headersOf(profile[0]?.[1]).authorization).toBe('Bearer old')
    expect(headersOf(profile[1]?.[1]).authorization).toBe('Bearer new')
    expect(callsTo('POST', '/auth/refresh')).toHaveLength(1)
  })

  it('does not loop when the retry is refused again', async () => {
    signInAs('old')
    let n = 0
    const { callsTo } = stubFetch({
      'GET /user/profile': () => problem(401, 'invalid_token', 'The access token is not valid'),
      // Bounded, so that a client that loops fails this test instead of spinning forever.
      'POST /auth/refresh': () => {
        if (++n > 3) throw new TypeError('refresh loop')
        return tokens(`new-${n}`)
      },
    })

    const error = await client.apiFetch('/user/profile').catch((caught: unknown) => caught)

    expect(error).toBeInstanceOf(problems.ProblemError)
    expect(error).toMatchObject({ status: 401, code: 'invalid_token' })
    expect(callsTo('POST', '/auth/refresh')).toHaveLength(1)
    expect(callsTo('GET', '/user/profile')).toHaveLength(2)
  })

  it('throws the original 401 without retrying when the refresh fails', async () => {
    signInAs('old')
    const { callsTo } = stubFetch({
      'GET /user/profile': () => problem(401, 'token_expired', 'The access token has expired'),
      'POST /auth/refresh': () => problem(401, 'session_revoked', 'The session has been revoked; sign in again'),
    })

    await expect(client.apiFetch('/user/profile')).rejects.toMatchObject({ status: 401, code: 'token_expired' })
    expect(callsTo('GET', '/user/profile')).toHaveLength(1)
    expect(store.get()).toEqual({ status: 'anonymous', reason: 'expired' })
  })

  it('signs this tab and the others out, as disabled, when a call is answered 403 account_disabled', async () => {
    signInAs('token')
    const { callsTo } = stubFetch({ 'GET /user/dashboard': () => problem(403, 'account_disabled', 'This account is disabled') })
    const told = nextMessage(otherTab)

    await expect(client.apiFetch('/user/dashboard')).rejects.toMatchObject({ status: 403, code: 'account_disabled' })

    expect(store.get()).toEqual({ status: 'anonymous', reason: 'disabled' })
    expect(await told).toEqual({ type: 'signed-out', reason: 'disabled' })
    expect(callsTo('GET', '/user/dashboard')).toHaveLength(1)
  })

  it('leaves the session alone on any other 403', async () => {
    signInAs('token')
    stubFetch({ 'GET /admin/dashboard': () => problem(403, 'forbidden', 'This needs the admin role') })
    await expect(client.apiFetch('/admin/dashboard')).rejects.toMatchObject({ status: 403, code: 'forbidden' })
    expect(store.get()).toMatchObject({ status: 'signed-in', accessToken: 'token' })
  })

  it('turns a problem+json answer into a ProblemError with its code and field errors', async () => {
    signInAs('token')
    const { callsTo } = stubFetch({
      'PATCH /user/profile': () =>
        problem(422, 'validation_failed', 'email must match format "email"', [{ field: 'email', message: 'must match format "email"' }]),
    })

    const error = await client.apiFetch('/user/profile', { method: 'PATCH', body: { email: 'nope' } }).catch((caught: unknown) => caught)

    expect(error).toBeInstanceOf(problems.ProblemError)
    const failure = error as InstanceType<Problems['ProblemError']>
    expect(failure.status).toBe(422)
    expect(failure.code).toBe('validation_failed')
    expect(failure.message).toBe('email must match format "email"')
    expect(failure.fieldErrors).toEqual([{ field: 'email', message: 'must match format "email"' }])
    expect(failure.forField('email')).toBe('must match format "email"')
    expect(failure.forField('display_name')).toBeUndefined()
    const [call] = callsTo('PATCH', '/user/profile')
    expect(call?.[1]?.body).toBe(JSON.stringify({ email: 'nope' }))
    expect(headersOf(call?.[1])['content-type']).toBe('application/json')
    expect(callsTo('POST', '/auth/refresh')).toHaveLength(0)
  })

  it('keeps Retry-After of a 429 and reads it out in describeError', async () => {
    stubFetch({ 'GET /admin/dashboard': () => problem(429, 'rate_limited', 'Too many requests; slow down', undefined, { 'retry-after': '12' }) })

    const error = await client.apiFetch('/admin/dashboard').catch((caught: unknown) => caught)

    expect(error).toMatchObject({ status: 429, code: 'rate_limited', retryAfter: 12 })
    expect(problems.describeError(error)).toBe('Too many requests; slow down (try again in 12 s)')
  })

  it('returns undefined for a 204 and sends no Authorization header when signed out', async () => {
    store.set({ status: 'anonymous' })
    const { fetchMock } = stubFetch({ 'DELETE /user/sessions/s1': () => noContent() })
    await expect(client.apiFetch('/user/sessions/s1', { method: 'DELETE' })).resolves.toBeUndefined()
    expect(headersOf(fetchMock.mock.calls[0]?.[1]).authorization).toBeUndefined()
  })
})

describe('signIn', () => {
  it('asks for a cookie session and keeps no refresh token anywhere', async () => {
    // Even if a server put a refresh token in the body, the SPA must not keep it.
    const { fetchMock } = stubFetch({ 'POST /auth/login': () => tokens('access-1', { refresh_token: 'r-secret' }) })
    const told = nextMessage(otherTab)

    await actions.signIn('alice', 'correct horse battery staple')

    const [url, init] = fetchMock.mock.calls[0] ?? []
    expect(url).toBe('/auth/login')
    expect(init?.method).toBe('POST')
    expect(init?.credentials).toBe('same-origin')
    expect(JSON.parse(String(init?.body))).toEqual({ username: 'alice', password: 'correct horse battery staple', session: 'cookie' })

    const state = store.get()
    expect(state).toMatchObject({ status: 'signed-in', accessToken: 'access-1', user: alice })
    expect(Object.keys(state).sort()).toEqual(['accessToken', 'expiresAt', 'status', 'user'])
    expect(JSON.stringify(state)).not.toContain('r-secret')
    expect(localStorage.length).toBe(0)
    expect(sessionStorage.length).toBe(0)
    const message = await told
    expect(message).toMatchObject({ type: 'signed-in', accessToken: 'access-1' })
    expect(JSON.stringify(message)).not.toContain('r-secret')
  })

  it('throws the problem and stays anonymous on invalid credentials', async () => {
    store.set({ status: 'anonymous' })
    stubFetch({ 'POST /auth/login': () => problem(401, 'invalid_credentials', 'Invalid username or password') })
    await expect(actions.signIn('alice', 'wrong')).rejects.toMatchObject({ status: 401, code: 'invalid_credentials', message: 'Invalid username or password' })
    expect(store.get()).toEqual({ status: 'anonymous' })
  })
})

describe('signOut', () => {
  it('posts /auth/logout with the CSRF header, signs out here and tells the other tabs', async () => {
    signInAs('access-1')
    const { fetchMock } = stubFetch({ 'POST /auth/logout': () => noContent() })
    const told = nextMessage(otherTab)

    await actions.signOut()

    expect(fetchMock).toHaveBeenCalledTimes(1)
    const [url, init] = fetchMock.mock.calls[0] ?? []
    expect(url).toBe('/auth/logout')
    expect(init?.method).toBe('POST')
    expect(init?.credentials).toBe('same-origin')
    expect(headersOf(init)['x-csrf-protection']).toBe('1')
    expect(store.get()).toEqual({ status: 'anonymous', reason: 'signed_out' })
    expect(await told).toEqual({ type: 'signed-out' })
  })
})

describe('followOtherTabs', () => {
  it("applies another tab's new token and its sign-out to this tab's store", async () => {
    store.set({ status: 'anonymous' })
    stopFollowing = actions.followOtherTabs()

    const expiresAt = Date.now() + 600_000
    otherTab.postMessage({ type: 'signed-in', accessToken: 'from-other-tab', user: alice, expiresAt })
    await vi.waitFor(() => expect(store.get()).toEqual({ status: 'signed-in', accessToken: 'from-other-tab', user: alice, expiresAt }))

    otherTab.postMessage({ type: 'signed-out' })
    await vi.waitFor(() => expect(store.get()).toEqual({ status: 'anonymous', reason: 'signed_out' }))

    store.set({ status: 'signed-in', accessToken: 'again', user: alice, expiresAt })
    otherTab.postMessage({ type: 'signed-out', reason: 'disabled' })
    await vi.waitFor(() => expect(store.get()).toEqual({ status: 'anonymous', reason: 'disabled' }))
  })

  it('stops applying messages once unsubscribed', async () => {
    store.set({ status: 'anonymous' })
    const stop = actions.followOtherTabs()
    stop()
    const witness = new BroadcastChannel(CHANNEL)
    const seen = nextMessage(witness)
    otherTab.postMessage({ type: 'signed-in', accessToken: 'ignored', user: alice, expiresAt: Date.now() + 600_000 })
    await seen
    await new Promise((resolve) => setTimeout(resolve, 20))
    witness.close()
    expect(store.get()).toEqual({ status: 'anonymous' })
  })
})

describe('refresh across tabs (Web Lock)', () => {
  it('uses the token another tab shared while this tab waited for the lock, instead of its own request', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(new Date('2030-01-01T00:00:00Z'))
    const { locks, requested } = installLocks()
    signInAs('old')
    stopFollowing = actions.followOtherTabs()
    const { fetchMock } = stubFetch({ 'POST /auth/refresh': () => tokens('own-request') })

    // The other tab is refreshing: it holds the lock.
    const otherTabDone = deferred<void>()
    const otherTabHolding = locks.request(LOCK, () => otherTabDone.promise)

    const refreshed = actions.refreshSession()
    expect(requested).toEqual([LOCK, LOCK])

    // It finishes a moment later and shares its new token, then lets go of the lock.
    vi.setSystemTime(new Date('2030-01-01T00:00:01Z'))
    const expiresAt = Date.now() + 600_000
    otherTab.postMessage({ type: 'signed-in', accessToken: 'shared', user: alice, expiresAt })
    await vi.waitFor(() => expect(store.accessToken()).toBe('shared'))
    otherTabDone.resolve()
    await otherTabHolding

    expect(await refreshed).toBe(true)
    expect(fetchMock).not.toHaveBeenCalled()
    expect(store.get()).toEqual({ status: 'signed-in', accessToken: 'shared', user: alice, expiresAt })
  })

  it('sends its own request when the other tab shared nothing new while it waited', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(new Date('2030-01-01T00:00:00Z'))
    const { locks } = installLocks()
    store.set({ status: 'anonymous' })
    stopFollowing = actions.followOtherTabs()
    const { fetchMock } = stubFetch({ 'POST /auth/refresh': () => tokens('own-request') })

    // A token shared before this refresh was asked for is not a reason to skip it.
    otherTab.postMessage({ type: 'signed-in', accessToken: 'stale', user: alice, expiresAt: Date.now() + 600_000 })
    await vi.waitFor(() => expect(store.accessToken()).toBe('stale'))
    vi.setSystemTime(new Date('2030-01-01T00:00:05Z'))

    const otherTabDone = deferred<void>()
    const otherTabHolding = locks.request(LOCK, () => otherTabDone.promise)
    const refreshed = actions.refreshSession()
    otherTabDone.resolve()
    await otherTabHolding

    expect(await refreshed).toBe(true)
    expect(fetchMock).toHaveBeenCalledTimes(1)
    expect(store.accessToken()).toBe('own-request')
  })
})
