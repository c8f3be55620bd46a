// The login and signup forms: labels, server errors where the user looks for them, live password rules, success.
import type { UserBody } from '@portcullis/shared/api/common'
import { render, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { MemoryRouter, Route, Routes } from 'react-router'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { LoginPage, SignupPage } from '../src/features/auth/routes/index.ts'
import { sessionStore } from '../src/features/auth/session/session-store.ts'

const alice: UserBody = {
  id: '0190a3c4-0000-7000-8000-000000000001',
  username: 'alice.smith',
  email: null,
  display_name: null,
  role: 'user',
  status: 'active',
  created_at: '2025-01-01T00:00:00.000Z',
  last_login_at: null,
}

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })
}

function problem(status: number, code: string, detail: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}): Response {
  const body = { type: `https://portcullis.dev/problems/${code}`, title: 'Error', status, detail, code, request_id: 'req-1', ...extra }
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/problem+json', ...headers } })
}

type Answer = (init: RequestInit | undefined) => Response | Promise<Response>

function stubFetch(routes: Record<string, Answer>) {
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const key = `${init?.method ?? 'GET'} ${String(input)}`
    const route = routes[key]
    if (!route) throw new Error(`unexpected request ${key}`)
    return route(init)
  })
  vi.stubGlobal('fetch', fetchMock)
  return fetchMock
}

function bodyOf(fetchMock: ReturnType<typeof stubFetch>, url: string): unknown {
  const call = fetchMock.mock.calls.find(([input]) => input === url)
  return call ? JSON.parse(String(call[1]?.body)) : undefined
}

function renderAt(path: '/login' | '/signup') {
  return render(
    <MemoryRouter initialEntries={[path]}>
      <Routes>
        <Route path="/login" element={<LoginPage />} />
        <Route path="/signup" element={<SignupPage />} />
        <Route path="/dashboard" element={<h1>Dashboard</h1>} />
      </Routes>
    </MemoryRouter>,
  )
}

/** The texts an input's aria-describedby points at. */
function descriptionsOf(input: HTMLElement): string[] {
  const ids = (input.getAttribute('aria-describedby') ?? '').split(/\s+/).filter(Boolean)
  return ids.map((id) => document.getElementById(id)?.textContent ?? `(missing #${id})`)
}

beforeEach(() => {
  sessionStore.set({ status: 'anonymous' })
})

afterEach(() => {
  vi.unstubAllGlobals()
})

describe('LoginPage', () => {
  it('labels both inputs', () => {
    renderAt('/login')
    const username = screen.getByLabelText('Username or email')
    const password = screen.getByLabelText('Password')
    expect(username.tagName).toBe('INPUT')
    expect(username.getAttribute('autocomplete')).toBe('username')
    expect(password.getAttribute('type')).toBe('password')
    expect(password.getAttribute('autocomplete')).toBe('current-password')
    expect(screen.queryByRole('alert')).toBeNull()
  })

  it("shows the server's message in an alert on 401 invalid_credentials", async () => {
    stubFetch({ 'POST /auth/login': () => problem(401, 'invalid_credentials', 'Invalid username or password') })
    const actor = userEvent.setup()
    renderAt('/login')

    await actor.type(screen.getByLabelText('Username or email'), 'alice.smith')
    await actor.type(screen.getByLabelText('Password'), 'wrong password')
    await actor.click(screen.getByRole('button', { name: 'Sign in' }))

    expect((await screen.findByRole('alert')).textContent).toBe('Invalid username or password')
    expect(sessionStore.get()).toEqual({ status: 'anonymous' })
    expect(screen.getByRole('heading', { name: 'Sign in' })).toBeTruthy()
    expect((screen.getByRole('button', { name: 'Sign in' }) as HTMLButtonElement).disabled).toBe(false)
  })

  it('shows when to try again on 429', async () => {
    stubFetch({ 'POST /auth/login': () => problem(429, 'too_many_attempts', 'Too many attempts; try again later', {}, { 'retry-after': '30' }) })
    const actor = userEvent.setup()
    renderAt('/login')

    await actor.type(screen.getByLabelText('Username or email'), 'alice.smith')
    await actor.type(screen.getByLabelText('Password'), 'guess')
    await actor.click(screen.getByRole('button', { name: 'Sign in' }))

    const alert = await screen.findByRole('alert')
    expect(alert.textContent).toContain('Too many attempts; try again later')
    expect(alert.textContent).toContain('try again in 30 s')
  })

  it('says so when the server cannot be reached', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => {
        throw new TypeError('Failed to fetch')
      }),
    )
    const actor = userEvent.setup()
    renderAt('/login')

    await actor.type(screen.getByLabelText('Username or email'), 'alice.smith')
    await actor.type(screen.getByLabelText('Password'), 'secret')
    await actor.click(screen.getByRole('button', { name: 'Sign in' }))

    expect((await screen.findByRole('alert')).textContent).toMatch(/cannot be reached/)
  })

  it('disables the button while signing in, then goes to the dashboard', async () => {
    let answer: (response: Response) => void = () => {}
    const fetchMock = stubFetch({ 'POST /auth/login': () => new Promise<Response>((resolve) => (answer = resolve)) })
    const actor = userEvent.setup()
    renderAt('/login')

    await actor.type(screen.getByLabelText('Username or email'), 'alice.smith')
    await actor.type(screen.getByLabelText('Password'), 'correct horse battery staple')
    await actor.click(screen.getByRole('button', { name: 'Sign in' }))

    const button = await screen.findByRole('button', { name: 'Signing in…' })
    expect((button as HTMLButtonElement).disabled).toBe(true)
    answer(json({ access_token: 'access-1', token_type: 'Bearer', expires_in: 600, user: alice }))

    expect(await screen.findByRole('heading', { name: 'Dashboard' })).toBeTruthy()
    expect(bodyOf(fetchMock, '/auth/login')).toEqual({ username: 'alice.smith', password: 'correct horse battery staple', session: 'cookie' })
  })
})

describe('SignupPage', () => {
  function rule(name: RegExp): 'met' | 'not yet' {
    const list = screen.getByRole('list', { name: 'Password rules' })
    const item = within(list)
      .getAllByRole('listitem')
      .find((li) => name.test(li.textContent ?? ''))
    if (!item) throw new Error(`no password rule matches ${name}`)
    return item.textContent?.includes('(met)') ? 'met' : 'not yet'
  }
  const LENGTH = /at least 8 characters/i
  const NOT_USERNAME = /not the same as your username/i
  const MATCH = /both passwords match/i

  function submitButton(): HTMLButtonElement {
    return screen.getByRole('button', { name: 'Create account' }) as HTMLButtonElement
  }

  async function fillIn(actor: ReturnType<typeof userEvent.setup>, values: { username: string; password: string; confirm?: string }) {
    await actor.type(screen.getByLabelText('Username'), values.username)
    await actor.type(screen.getByLabelText('Password'), values.password)
    await actor.type(screen.getByLabelText('Confirm password'), values.confirm ?? values.password)
  }

  it('updates the password rules as the user types', async () => {
    const actor = userEvent.setup()
    renderAt('/signup')
    expect([rule(LENGTH), rule(NOT_USERNAME), rule(MATCH)]).toEqual(['not yet', 'not yet', 'not yet'])

    await actor.type(screen.getByLabelText('Username'), 'alice.smith')
    const password = screen.getByLabelText('Password')
    await actor.type(password, 'short')
    expect([rule(LENGTH), rule(NOT_USERNAME), rule(MATCH)]).toEqual(['not yet', 'met', 'not yet'])

    // Long enough, but the username itself (in any case).
    await actor.clear(password)
    await actor.type(password, 'ALICE.SMITH')
    expect([rule(LENGTH), rule(NOT_USERNAME), rule(MATCH)]).toEqual(['met', 'not yet', 'not yet'])

    await actor.type(password, '-rocks')
    expect([rule(LENGTH), rule(NOT_USERNAME)]).toEqual(['met', 'met'])

    const confirm = screen.getByLabelText('Confirm password')
    await actor.type(confirm, 'ALICE.SMITH-rock')
    expect(rule(MATCH)).toBe('not yet')
    await actor.type(confirm, 's')
    expect(rule(MATCH)).toBe('met')
  })

  it('keeps the submit button disabled until the rules pass', async () => {
    const actor = userEvent.setup()
    renderAt('/signup')
    expect(submitButton().disabled).toBe(true)

    await fillIn(actor, { username: 'alice.smith', password: 'correct horse battery staple', confirm: 'correct horse battery stapl' })
    expect(submitButton().disabled).toBe(true)

    await actor.type(screen.getByLabelText('Confirm password'), 'e')
    expect(submitButton().disabled).toBe(false)

    // A username shorter than 3 characters cannot be submitted either.
    const username = screen.getByLabelText('Username')
    await actor.clear(username)
    await actor.type(username, 'al')
    expect(submitButton().disabled).toBe(true)
  })

  it('shows a 409 username_taken next to the username field', async () => {
    stubFetch({ 'POST /auth/signup': () => problem(409, 'username_taken', 'That username is taken') })
    const actor = userEvent.setup()
    renderAt('/signup')

    await fillIn(actor, { username: 'alice.smith', password: 'correct horse battery staple' })
    await actor.click(submitButton())

    const username = screen.getByLabelText('Username')
    await waitFor(() => expect(username.getAttribute('aria-invalid')).toBe('true'))
    expect(descriptionsOf(username)).toContain('That username is taken')
    // Announced once, as the field's error rather than a second form-level alert.
    const alerts = screen.getAllByRole('alert')
    expect(alerts.map((alert) => alert.textContent)).toEqual(['That username is taken'])
    expect(screen.getByLabelText('Password').getAttribute('aria-invalid')).toBeNull()
    expect(sessionStore.get()).toEqual({ status: 'anonymous' })
  })

  it('shows a 422 password error next to the password field', async () => {
    const message = 'is too common; choose one that is harder to guess'
    stubFetch({
      'POST /auth/signup': () => problem(422, 'validation_failed', `password ${message}`, { errors: [{ field: 'password', message }] }),
    })
    const actor = userEvent.setup()
    renderAt('/signup')

    await fillIn(actor, { username: 'alice.smith', password: 'password1234' })
    await actor.click(submitButton())

    const password = screen.getByLabelText('Password')
    await waitFor(() => expect(password.getAttribute('aria-invalid')).toBe('true'))
    expect(descriptionsOf(password)).toEqual([message])
    expect(screen.getAllByRole('alert').map((alert) => alert.textContent)).toEqual([message])
    expect(screen.getByLabelText('Username').getAttribute('aria-invalid')).toBeNull()
  })

  it('creates the account, signs in and goes to the dashboard', async () => {
    const fetchMock = stubFetch({
      'POST /auth/signup': () => json({ user: alice }, 201),
      'POST /auth/login': () => json({ access_token: 'access-1', token_type: 'Bearer', expires_in: 600, user: alice }),
    })
    const actor = userEvent.setup()
    renderAt('/signup')

    await fillIn(actor, { username: '  alice.smith ', password: 'correct horse battery staple' })
    await actor.click(submitButton())

    expect(await screen.findByRole('heading', { name: 'Dashboard' })).toBeTruthy()
    expect(fetchMock.mock.calls.map(([input]) => input)).toEqual(['/auth/signup', '/auth/login'])
    expect(bodyOf(fetchMock, '/auth/signup')).toEqual({
      username: 'alice.smith',
      password: 'correct horse battery staple',
      confirm_password: 'correct horse battery staple',
    })
    expect(bodyOf(fetchMock, '/auth/login')).toEqual({ username: 'alice.smith', password: 'correct horse battery staple', session: 'cookie' })
    expect(sessionStore.get()).toMatchObject({ status: 'signed-in', accessToken: 'access-1', user: alice })
  })
})
