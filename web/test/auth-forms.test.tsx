// The login and signup forms: labels, every problem at its field at once (the form's own checks and the server's), the
// password rules with the server's settings, the strength meter, focus and titles, success; the login's second step (a
// code from the app, a recovery code or a passkey, the ticket kept in memory); signing in with a passkey alone; back to an
// app's page (`?next=`) however the session began, and never anywhere but this origin.
import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { act, render, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { MemoryRouter, Route, Routes, useLocation } from 'react-router'
import { json, problem, type Route as Answer, stubFetch } from '@portcullis/testkit/fetch-stub'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { LoginPage, SignupPage } from '../src/features/auth/routes/index.ts'
import { sessionStore } from '../src/lib/session/session-store.ts'
import { descriptionsOf, errorOf } from './described-by.ts'
import { testUser } from './users.ts'

const alice = testUser({ username: 'alice.smith', email: null, email_verified: false, display_name: null })

/** The settings a test server has: not the defaults, so a copy of them in the web would show. */
const POLICY = { min_length: 12, max_length: 64, product_name: 'Acme', email_verification: 'optional' }

/** Stubs fetch with the routes given; the password settings are answered unless a test answers them itself. */
function stubAuthApi(routes: Record<string, Answer>) {
  return stubFetch({ 'GET /auth/password-policy': () => json(POLICY), ...routes }).fetchMock
}

function bodyOf(fetchMock: ReturnType<typeof stubAuthApi>, url: string): unknown {
  const call = fetchMock.mock.calls.find(([input]) => input === url)
  return call ? JSON.parse(String(call[1]?.body)) : undefined
}

function LocationProbe() {
  const location = useLocation()
  return <div data-testid="location">{JSON.stringify({ path: location.pathname, state: location.state })}</div>
}

function renderAt(path: '/login' | '/signup', state?: unknown, search = '') {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } })
  return render(
    <QueryClientProvider client={queryClient}>
      <MemoryRouter initialEntries={[{ pathname: path, search, state }]}>
        <Routes>
          <Route path="/login" element={<LoginPage />} />
          <Route path="/signup" element={<SignupPage />} />
          <Route path="/dashboard" element={<h1>Dashboard</h1>} />
          <Route path="/profile" element={<h1>Profile stub</h1>} />
          <Route path="/forgot-password" element={<h1>Forgot stub</h1>} />
        </Routes>
        <LocationProbe />
      </MemoryRouter>
    </QueryClientProvider>,
  )
}

function location(): { path: string; state: unknown } {
  return JSON.parse(screen.getByTestId('location').textContent ?? '{}')
}

const bytes = (text: string) => new TextEncoder().encode(text).buffer
/** What navigator.credentials.get() resolves with in a browser: ArrayBuffers, which @simplewebauthn/browser encodes. */
const credential = {
  id: 'Y3JlZC0x',
  rawId: bytes('cred-1'),
  type: 'public-key',
  authenticatorAttachment: 'platform',
  response: { authenticatorData: bytes('auth-data'), clientDataJSON: bytes('client-data'), signature: bytes('signature'), userHandle: null },
  getClientExtensionResults: () => ({}),
}

/** A browser with WebAuthn whose passkey prompt answers with `get`; the test's afterEach takes navigator.credentials away. */
function withPasskeys(get: () => Promise<unknown>) {
  vi.stubGlobal('PublicKeyCredential', class PublicKeyCredential {})
  const credentials = { get: vi.fn(get) }
  Object.defineProperty(navigator, 'credentials', { value: credentials, configurable: true })
  return credentials.get
}

beforeEach(() => {
  sessionStore.set({ status: 'anonymous' })
  document.title = ''
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
    expect(username.getAttribute('autocomplete')).toBe('username webauthn')
    expect(password.getAttribute('type')).toBe('password')
    expect(password.getAttribute('autocomplete')).toBe('current-password')
    expect(screen.queryByRole('alert')).toBeNull()
  })

  it("shows the server's message in an alert on 401 invalid_credentials", async () => {
    stubAuthApi({ 'POST /auth/login': () => problem(401, 'invalid_credentials', 'Invalid username or password') })
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
    stubAuthApi({ 'POST /auth/login': () => problem(429, 'too_many_attempts', 'Too many attempts; try again later', undefined, { 'retry-after': '30' }) })
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
    const fetchMock = stubAuthApi({ 'POST /auth/login': () => new Promise<Response>((resolve) => (answer = resolve)) })
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
  it('has the username field focused when it opens, and names the tab', async () => {
    renderAt('/login')
    await waitFor(() => expect(document.activeElement).toBe(screen.getByLabelText('Username or email')))
    expect(document.title).toBe('Sign in · Portcullis')
  })

  it('names every empty field at once, focuses the first, and sends nothing', async () => {
    const fetchMock = stubAuthApi({})
    const actor = userEvent.setup()
    renderAt('/login')

    const button = screen.getByRole('button', { name: 'Sign in' }) as HTMLButtonElement
    expect(button.disabled).toBe(false)
    await actor.click(button)

    const username = screen.getByLabelText('Username or email')
    const password = screen.getByLabelText('Password')
    expect(errorOf(username)).toBe('Username or email is required.')
    expect(errorOf(password)).toBe('Password is required.')
    expect(username.getAttribute('aria-invalid')).toBe('true')
    expect(password.getAttribute('aria-invalid')).toBe('true')
    expect(document.activeElement).toBe(username)

    await actor.type(username, 'alice.smith')
    expect(errorOf(username)).toBeUndefined()
    await actor.click(button)
    expect(errorOf(password)).toBe('Password is required.')
    expect(document.activeElement).toBe(password)
    expect(fetchMock).not.toHaveBeenCalled()
  })

  it("puts the server's field errors next to their fields, all at once", async () => {
    stubAuthApi({
      'POST /auth/login': () =>
        problem(422, 'validation_failed', 'The request is not valid', [
          { field: 'username', message: 'Username or email must not contain control characters or invisible formatting characters.' },
          { field: 'password', message: 'Password must not contain the NUL character.' },
        ]),
    })
    const actor = userEvent.setup()
    renderAt('/login')
    await actor.type(screen.getByLabelText('Username or email'), 'alice')
    await actor.type(screen.getByLabelText('Password'), 'secret')
    await actor.click(screen.getByRole('button', { name: 'Sign in' }))

    const username = screen.getByLabelText('Username or email')
    await waitFor(() => expect(errorOf(username)).toBe('Username or email must not contain control characters or invisible formatting characters.'))
    expect(errorOf(screen.getByLabelText('Password'))).toBe('Password must not contain the NUL character.')
    expect(document.activeElement).toBe(username)
    // Not said a second time above the form.
    expect(screen.getAllByRole('alert')).toHaveLength(2)
  })
  it('links to the forgotten-password page, handing on what was typed', async () => {
    const actor = userEvent.setup()
    renderAt('/login')
    const link = screen.getByRole('link', { name: 'Forgot password?' })
    expect(link.getAttribute('href')).toBe('/forgot-password')
    await actor.type(screen.getByLabelText('Username or email'), ' alice.smith ')
    await actor.click(link)
    expect(await screen.findByRole('heading', { name: 'Forgot stub' })).toBeTruthy()
    expect(location()).toEqual({ path: '/forgot-password', state: { login: 'alice.smith' } })
  })

  it('says the password was changed when the reset page sends the user here', () => {
    renderAt('/login', { reason: 'password_reset' })
    expect(screen.getByRole('status').textContent).toBe('Your password has been changed. Sign in with the new one.')
  })

  it('on 403 email_not_verified shows the server message and sends the link again for the name that was typed', async () => {
    const message = 'Confirm your email address before you sign in: open the link we sent you, or ask for a new one'
    const fetchMock = stubAuthApi({
      'POST /auth/login': () => problem(403, 'email_not_verified', message),
      'POST /auth/email/verify/resend': () => json({}, 202),
    })
    const actor = userEvent.setup()
    renderAt('/login')
    expect(screen.queryByRole('button', { name: 'Send the link again' })).toBeNull()

    await actor.type(screen.getByLabelText('Username or email'), 'alice@example.com')
    await actor.type(screen.getByLabelText('Password'), 'correct horse battery staple')
    await actor.click(screen.getByRole('button', { name: 'Sign in' }))

    expect((await screen.findByRole('alert')).textContent).toBe(message)
    // What the field holds afterwards does not change whom the link is for.
    await actor.type(screen.getByLabelText('Username or email'), 'zzz')
    await actor.click(screen.getByRole('button', { name: 'Send the link again' }))

    await waitFor(() =>
      expect(screen.getAllByRole('status').map((status) => status.textContent)).toContain('If the account needs it, a new link is on its way.'),
    )
    expect(bodyOf(fetchMock, '/auth/email/verify/resend')).toEqual({ login: 'alice@example.com' })
    const resend = fetchMock.mock.calls.find(([input]) => input === '/auth/email/verify/resend')
    expect(new Headers(resend?.[1]?.headers).has('authorization')).toBe(false)
    expect(sessionStore.get()).toEqual({ status: 'anonymous' })
  })

  it('shows a 429 on sending the link again', async () => {
    stubAuthApi({
      'POST /auth/login': () => problem(403, 'email_not_verified', 'Confirm your email address before you sign in'),
      'POST /auth/email/verify/resend': () => problem(429, 'too_many_attempts', 'Too many attempts; try again later', undefined, { 'retry-after': '60' }),
    })
    const actor = userEvent.setup()
    renderAt('/login')
    await actor.type(screen.getByLabelText('Username or email'), 'alice.smith')
    await actor.type(screen.getByLabelText('Password'), 'secret')
    await actor.click(screen.getByRole('button', { name: 'Sign in' }))
    await actor.click(await screen.findByRole('button', { name: 'Send the link again' }))

    await waitFor(() =>
      expect(screen.getAllByRole('alert').map((alert) => alert.textContent)).toContain('Too many attempts; try again later (try again in 60 s)'),
    )
    expect(screen.queryByText('If the account needs it, a new link is on its way.')).toBeNull()
  })
})

describe('LoginPage: two-step verification', () => {
  const TICKET = 'ticket-0123456789abcdefghij'
  const tokens = { access_token: 'access-1', token_type: 'Bearer', expires_in: 600, user: alice }
  const secondStep = () => json({ mfa_required: true, mfa_token: TICKET, methods: ['totp', 'recovery_code'] })

  async function signInWithPassword(actor: ReturnType<typeof userEvent.setup>) {
    await actor.type(screen.getByLabelText('Username or email'), 'alice.smith')
    await actor.type(screen.getByLabelText('Password'), 'correct horse battery staple')
    await actor.click(screen.getByRole('button', { name: 'Sign in' }))
    return screen.findByRole('heading', { name: 'Two-step verification' })
  }

  it('asks for the code from the app after the password, then signs in and goes where the user wanted', async () => {
    const fetchMock = stubAuthApi({ 'POST /auth/login': secondStep, 'POST /auth/login/mfa': () => json(tokens) })
    const actor = userEvent.setup()
    renderAt('/login', { from: '/profile' })

    await signInWithPassword(actor)
    expect(sessionStore.get()).toEqual({ status: 'anonymous' })
    expect(document.title).toBe('Two-step verification · Portcullis')
    // The ticket stays in memory: not in the address, not in the history's state.
    expect(location()).toEqual({ path: '/login', state: { from: '/profile' } })
    expect(JSON.stringify({ ...localStorage, ...sessionStorage })).not.toContain(TICKET)
    const code = screen.getByLabelText('Authentication code')
    expect(code.getAttribute('inputmode')).toBe('numeric')
    expect(code.getAttribute('autocomplete')).toBe('one-time-code')
    await waitFor(() => expect(document.activeElement).toBe(code))
    expect(screen.queryByLabelText('Password')).toBeNull()

    await actor.type(code, '123 456')
    await actor.click(screen.getByRole('button', { name: 'Verify' }))

    expect(await screen.findByRole('heading', { name: 'Profile stub' })).toBeTruthy()
    expect(location().path).toBe('/profile')
    expect(bodyOf(fetchMock, '/auth/login/mfa')).toEqual({ mfa_token: TICKET, code: '123 456' })
    expect(sessionStore.get()).toMatchObject({ status: 'signed-in', accessToken: 'access-1', user: alice })
  })

  it('keeps the step and the ticket on a wrong code, with the message at the field', async () => {
    let attempts = 0
    const fetchMock = stubAuthApi({
      'POST /auth/login': secondStep,
      'POST /auth/login/mfa': () => (++attempts === 1 ? problem(401, 'invalid_code', 'That code is not right; try again') : json(tokens)),
    })
    const actor = userEvent.setup()
    renderAt('/login')
    await signInWithPassword(actor)

    const code = screen.getByLabelText('Authentication code')
    await actor.type(code, '000000')
    await actor.click(screen.getByRole('button', { name: 'Verify' }))

    await waitFor(() => expect(errorOf(code)).toBe('That code is not right; try again'))
    expect(code.getAttribute('aria-invalid')).toBe('true')
    expect(screen.getAllByRole('alert')).toHaveLength(1)
    expect(screen.getByRole('heading', { name: 'Two-step verification' })).toBeTruthy()
    expect(sessionStore.get()).toEqual({ status: 'anonymous' })

    await actor.clear(code)
    expect(errorOf(code)).toBeUndefined()
    await actor.type(code, '654321')
    await actor.click(screen.getByRole('button', { name: 'Verify' }))
    expect(await screen.findByRole('heading', { name: 'Dashboard' })).toBeTruthy()
    const sent = fetchMock.mock.calls.filter(([input]) => input === '/auth/login/mfa').map(([, init]) => JSON.parse(String(init?.body)))
    expect(sent).toEqual([
      { mfa_token: TICKET, code: '000000' },
      { mfa_token: TICKET, code: '654321' },
    ])
    // One password step only: the ticket was kept.
    expect(fetchMock.mock.calls.filter(([input]) => input === '/auth/login')).toHaveLength(1)
  })

  it('goes back to the password step with the server’s message when the ticket has ended', async () => {
    stubAuthApi({
      'POST /auth/login': secondStep,
      'POST /auth/login/mfa': () => problem(401, 'mfa_token_invalid', 'The sign-in has expired; enter your password again'),
    })
    const actor = userEvent.setup()
    renderAt('/login')
    await signInWithPassword(actor)
    await actor.type(screen.getByLabelText('Authentication code'), '123456')
    await actor.click(screen.getByRole('button', { name: 'Verify' }))

    expect(await screen.findByRole('heading', { name: 'Sign in' })).toBeTruthy()
    expect(screen.getByRole('alert').textContent).toBe('The sign-in has expired; enter your password again')
    expect((screen.getByLabelText('Username or email') as HTMLInputElement).value).toBe('alice.smith')
    const password = screen.getByLabelText('Password') as HTMLInputElement
    expect(password.value).toBe('')
    await waitFor(() => expect(document.activeElement).toBe(password))
    expect(screen.queryByLabelText('Authentication code')).toBeNull()
    expect(sessionStore.get()).toEqual({ status: 'anonymous' })
  })

  it('sends a recovery code instead when the user asks, and swaps back', async () => {
    const fetchMock = stubAuthApi({ 'POST /auth/login': secondStep, 'POST /auth/login/mfa': () => json(tokens) })
    const actor = userEvent.setup()
    renderAt('/login')
    await signInWithPassword(actor)

    await actor.click(screen.getByRole('button', { name: 'Use a recovery code instead' }))
    expect(screen.queryByLabelText('Authentication code')).toBeNull()
    const recovery = screen.getByLabelText('Recovery code')
    await waitFor(() => expect(document.activeElement).toBe(recovery))
    await actor.click(screen.getByRole('button', { name: 'Use your authenticator app' }))
    expect(screen.getByLabelText('Authentication code')).toBeTruthy()
    await actor.click(screen.getByRole('button', { name: 'Use a recovery code instead' }))

    await actor.click(screen.getByRole('button', { name: 'Verify' }))
    expect(errorOf(screen.getByLabelText('Recovery code'))).toBe('Recovery code is required.')
    expect(fetchMock.mock.calls.filter(([input]) => input === '/auth/login/mfa')).toHaveLength(0)

    await actor.type(screen.getByLabelText('Recovery code'), ' abcd-efgh-jkmn ')
    await actor.click(screen.getByRole('button', { name: 'Verify' }))
    expect(await screen.findByRole('heading', { name: 'Dashboard' })).toBeTruthy()
    expect(bodyOf(fetchMock, '/auth/login/mfa')).toEqual({ mfa_token: TICKET, recovery_code: 'abcd-efgh-jkmn' })
  })

  it('shows when to try again on 429', async () => {
    stubAuthApi({
      'POST /auth/login': secondStep,
      'POST /auth/login/mfa': () => problem(429, 'too_many_attempts', 'Too many attempts; try again later', undefined, { 'retry-after': '45' }),
    })
    const actor = userEvent.setup()
    renderAt('/login')
    await signInWithPassword(actor)
    await actor.type(screen.getByLabelText('Authentication code'), '123456')
    await actor.click(screen.getByRole('button', { name: 'Verify' }))

    expect((await screen.findByRole('alert')).textContent).toBe('Too many attempts; try again later (try again in 45 s)')
    expect(screen.getByLabelText('Authentication code')).toBeTruthy()
  })
})

describe('LoginPage: passkeys', () => {
  const TICKET = 'ticket-0123456789abcdefghij'
  const tokens = { access_token: 'access-1', token_type: 'Bearer', expires_in: 600, user: alice }
  const passkeyOptions = { challenge: 'Y2hhbGxlbmdl', rpId: 'localhost', allowCredentials: [{ id: 'Y3JlZC0x', type: 'public-key' }] }

  afterEach(() => {
    Reflect.deleteProperty(navigator, 'credentials')
  })

  it('offers no passkey button where the browser has no WebAuthn', () => {
    stubAuthApi({})
    renderAt('/login')
    expect(screen.queryByRole('button', { name: 'Passkey sign-in' })).toBeNull()
  })

  it('signs in with a passkey alone: the server’s challenge to the browser, its answer to the server', async () => {
    const get = withPasskeys(async () => credential)
    const fetchMock = stubAuthApi({
      'POST /auth/passkeys/login/options': () => json({ challenge: 'Y2hhbGxlbmdl', rpId: 'localhost', userVerification: 'required' }),
      'POST /auth/passkeys/login': () => json(tokens),
    })
    const actor = userEvent.setup()
    renderAt('/login', { from: '/profile' })
    const button = screen.getByRole('button', { name: 'Passkey sign-in' })
    expect(button.textContent).toBe('Sign in with a passkey')
    expect(screen.getAllByRole('button', { name: /sign in/i }).map((b) => b.textContent)).toEqual(['Sign in'])
    await actor.click(button)

    expect(await screen.findByRole('heading', { name: 'Profile stub' })).toBeTruthy()
    const asked = get.mock.calls[0] as unknown as [{ publicKey: { challenge: ArrayBuffer; rpId: string } }]
    expect(new TextDecoder().decode(asked[0].publicKey.challenge)).toBe('challenge')
    expect(asked[0].publicKey.rpId).toBe('localhost')
    const sent = bodyOf(fetchMock, '/auth/passkeys/login') as { session: string; credential: { id: string; rawId: string; response: { signature: string } } }
    expect(sent.session).toBe('cookie')
    expect(sent.credential.id).toBe('Y3JlZC0x')
    expect(sent.credential.rawId).toBe('Y3JlZC0x')
    expect(sent.credential.response.signature).toBe(Buffer.from('signature').toString('base64url'))
    expect(sessionStore.get()).toMatchObject({ status: 'signed-in', accessToken: 'access-1' })
  })

  it("offers the device's passkeys in the username field's autofill, and signs in when one is picked", async () => {
    const get = withPasskeys(async () => credential)
    Object.assign(globalThis.PublicKeyCredential, { isConditionalMediationAvailable: async () => true })
    const fetchMock = stubAuthApi({
      'POST /auth/passkeys/login/options': () => json({ challenge: 'Y2hhbGxlbmdl', rpId: 'localhost', userVerification: 'required' }),
      'POST /auth/passkeys/login': () => json(tokens),
    })
    renderAt('/login')

    expect(await screen.findByRole('heading', { name: 'Dashboard' })).toBeTruthy()
    const asked = get.mock.calls[0] as unknown as [{ mediation?: string }]
    expect(asked[0].mediation).toBe('conditional')
    expect(bodyOf(fetchMock, '/auth/passkeys/login')).toMatchObject({ session: 'cookie', credential: { id: 'Y3JlZC0x' } })
  })

  it('the second step of a passkey-only account: "Use a passkey" sends the answer with the ticket', async () => {
    withPasskeys(async () => credential)
    const fetchMock = stubAuthApi({
      'POST /auth/login': () => json({ mfa_required: true, mfa_token: TICKET, methods: ['passkey', 'recovery_code'], passkey_options: passkeyOptions }),
      'POST /auth/login/mfa': () => json(tokens),
    })
    const actor = userEvent.setup()
    renderAt('/login')
    await actor.type(screen.getByLabelText('Username or email'), 'alice.smith')
    await actor.type(screen.getByLabelText('Password'), 'correct horse battery staple')
    await actor.click(screen.getByRole('button', { name: 'Sign in' }))
    await screen.findByRole('heading', { name: 'Two-step verification' })
    expect(screen.queryByLabelText('Authentication code')).toBeNull()
    const usePasskey = screen.getByRole('button', { name: 'Use a passkey' })
    expect(usePasskey.className).toContain('primary')
    await actor.click(usePasskey)

    expect(await screen.findByRole('heading', { name: 'Dashboard' })).toBeTruthy()
    const sent = bodyOf(fetchMock, '/auth/login/mfa') as { mfa_token: string; passkey: { id: string } }
    expect(sent.mfa_token).toBe(TICKET)
    expect(sent.passkey.id).toBe('Y3JlZC0x')
  })

  it('says so when the prompt is closed, sends nothing, and a recovery code still works', async () => {
    withPasskeys(async () => {
      throw new DOMException('The operation either timed out or was not allowed.', 'NotAllowedError')
    })
    const fetchMock = stubAuthApi({
      'POST /auth/login': () => json({ mfa_required: true, mfa_token: TICKET, methods: ['passkey', 'recovery_code'], passkey_options: passkeyOptions }),
      'POST /auth/login/mfa': () => json(tokens),
    })
    const actor = userEvent.setup()
    renderAt('/login')
    await actor.type(screen.getByLabelText('Username or email'), 'alice.smith')
    await actor.type(screen.getByLabelText('Password'), 'correct horse battery staple')
    await actor.click(screen.getByRole('button', { name: 'Sign in' }))
    await actor.click(await screen.findByRole('button', { name: 'Use a passkey' }))

    expect((await screen.findByRole('alert')).textContent).toMatch(/passkey prompt was closed or timed out/)
    expect(fetchMock.mock.calls.filter(([input]) => input === '/auth/login/mfa')).toHaveLength(0)
    await actor.click(screen.getByRole('button', { name: 'Use a recovery code instead' }))
    await actor.type(screen.getByLabelText('Recovery code'), 'abcd-efgh-jkmn')
    await actor.click(screen.getByRole('button', { name: 'Verify' }))
    expect(await screen.findByRole('heading', { name: 'Dashboard' })).toBeTruthy()
    expect(bodyOf(fetchMock, '/auth/login/mfa')).toEqual({ mfa_token: TICKET, recovery_code: 'abcd-efgh-jkmn' })
  })
})

describe('LoginPage: back to an app page (?next=)', () => {
  const TICKET = 'ticket-0123456789abcdefghij'
  const tokens = { access_token: 'access-1', token_type: 'Bearer', expires_in: 600, user: alice }
  const NEXT = '/hello/reports?sort=desc&page=2'
  /** As the gateway sends it: the path and query as one query value. */
  const SEARCH = `?next=${encodeURIComponent(NEXT)}`

  /** The browser's own navigation, which jsdom cannot do: an app's page is loaded anew, not routed by the SPA. */
  function stubPageLoads() {
    const load = { assign: vi.fn(), replace: vi.fn() }
    vi.stubGlobal('location', { ...window.location, ...load })
    return load
  }

  async function typePassword(actor: ReturnType<typeof userEvent.setup>) {
    await actor.type(screen.getByLabelText('Username or email'), 'alice.smith')
    await actor.type(screen.getByLabelText('Password'), 'correct horse battery staple')
    await actor.click(screen.getByRole('button', { name: 'Sign in' }))
  }

  const passkeyApi = {
    'POST /auth/passkeys/login/options': () => json({ challenge: 'Y2hhbGxlbmdl', rpId: 'localhost', userVerification: 'required' }),
    'POST /auth/passkeys/login': () => json(tokens),
  }

  afterEach(() => {
    Reflect.deleteProperty(navigator, 'credentials')
  })

  it('after the password, loads the app page anew in place of the login page, once, and the SPA routes nowhere', async () => {
    const load = stubPageLoads()
    stubAuthApi({ 'POST /auth/login': () => json(tokens) })
    const actor = userEvent.setup()
    renderAt('/login', undefined, SEARCH)
    await typePassword(actor)

    await waitFor(() => expect(load.replace).toHaveBeenCalledWith(NEXT))
    expect((await screen.findByRole('status')).textContent).toBe('Taking you back…')
    expect(load.replace).toHaveBeenCalledTimes(1)
    expect(load.assign).not.toHaveBeenCalled()
    // Not routed to the dashboard, and `next` put in no history state.
    expect(location()).toEqual({ path: '/login', state: null })
    expect(screen.queryByRole('heading', { name: 'Dashboard' })).toBeNull()
    expect(JSON.stringify({ ...localStorage, ...sessionStorage })).not.toContain('/hello')
  })

  it('wins over the SPA route the guards sent along', async () => {
    const load = stubPageLoads()
    stubAuthApi({ 'POST /auth/login': () => json(tokens) })
    const actor = userEvent.setup()
    renderAt('/login', { from: '/profile' }, SEARCH)
    await typePassword(actor)

    await waitFor(() => expect(load.replace).toHaveBeenCalledWith(NEXT))
    expect(screen.queryByRole('heading', { name: 'Profile stub' })).toBeNull()
  })

  it('after the second step', async () => {
    const load = stubPageLoads()
    stubAuthApi({
      'POST /auth/login': () => json({ mfa_required: true, mfa_token: TICKET, methods: ['totp', 'recovery_code'] }),
      'POST /auth/login/mfa': () => json(tokens),
    })
    const actor = userEvent.setup()
    renderAt('/login', undefined, SEARCH)
    await typePassword(actor)
    await screen.findByRole('heading', { name: 'Two-step verification' })
    expect(load.replace).not.toHaveBeenCalled()

    await actor.type(screen.getByLabelText('Authentication code'), '123456')
    await actor.click(screen.getByRole('button', { name: 'Verify' }))

    await waitFor(() => expect(load.replace).toHaveBeenCalledWith(NEXT))
    expect(load.replace).toHaveBeenCalledTimes(1)
    expect(location()).toEqual({ path: '/login', state: null })
  })

  it('after "Sign in with a passkey"', async () => {
    const load = stubPageLoads()
    withPasskeys(async () => credential)
    stubAuthApi(passkeyApi)
    const actor = userEvent.setup()
    renderAt('/login', undefined, SEARCH)
    await actor.click(screen.getByRole('button', { name: 'Passkey sign-in' }))

    await waitFor(() => expect(load.replace).toHaveBeenCalledWith(NEXT))
    expect(load.replace).toHaveBeenCalledTimes(1)
    expect(location().path).toBe('/login')
  })

  it("after a passkey picked in the username field's autofill", async () => {
    const load = stubPageLoads()
    withPasskeys(async () => credential)
    Object.assign(globalThis.PublicKeyCredential, { isConditionalMediationAvailable: async () => true })
    stubAuthApi(passkeyApi)
    renderAt('/login', undefined, SEARCH)

    await waitFor(() => expect(load.replace).toHaveBeenCalledWith(NEXT))
    expect(load.replace).toHaveBeenCalledTimes(1)
    expect(location().path).toBe('/login')
  })

  it('at once for a user already signed in, and once the session is restored from the cookie', async () => {
    const load = stubPageLoads()
    const fetchMock = stubAuthApi({})
    sessionStore.set({ status: 'signed-in', accessToken: 'access-1', user: alice, expiresAt: Date.now() + 600_000 })
    const { unmount } = renderAt('/login', undefined, SEARCH)
    await waitFor(() => expect(load.replace).toHaveBeenCalledWith(NEXT))
    expect(screen.queryByLabelText('Password')).toBeNull()
    expect(fetchMock.mock.calls.filter(([input]) => String(input).startsWith('/auth/login'))).toHaveLength(0)
    unmount()

    load.replace.mockClear()
    sessionStore.set({ status: 'restoring' })
    renderAt('/login', undefined, SEARCH)
    expect(load.replace).not.toHaveBeenCalled()
    act(() => sessionStore.set({ status: 'signed-in', accessToken: 'access-2', user: alice, expiresAt: Date.now() + 600_000 }))
    await waitFor(() => expect(load.replace).toHaveBeenCalledWith(NEXT))
    expect(load.replace).toHaveBeenCalledTimes(1)
  })

  it.each([
    ['another site, protocol-relative', '//evil.com/hello'],
    ['a backslash for the second slash', '/\\evil.com'],
    ['an absolute URL', 'https://evil.com/hello'],
    ['javascript:', 'javascript:alert(1)'],
    ['an encoded second slash', '/%2F%2Fevil.com'],
    ['a tab between the slashes', '/\t/evil.com'],
  ])('ignores %s and goes to the dashboard', async (_name, next) => {
    const load = stubPageLoads()
    stubAuthApi({ 'POST /auth/login': () => json(tokens) })
    const actor = userEvent.setup()
    renderAt('/login', undefined, `?next=${encodeURIComponent(next)}`)
    await typePassword(actor)

    expect(await screen.findByRole('heading', { name: 'Dashboard' })).toBeTruthy()
    expect(location().path).toBe('/dashboard')
    expect(load.replace).not.toHaveBeenCalled()
    expect(load.assign).not.toHaveBeenCalled()
  })

  it('ignores an unsafe next for a user already signed in too', async () => {
    const load = stubPageLoads()
    stubAuthApi({})
    sessionStore.set({ status: 'signed-in', accessToken: 'access-1', user: alice, expiresAt: Date.now() + 600_000 })
    renderAt('/login', undefined, '?next=%2F%2Fevil.com')

    expect(await screen.findByRole('heading', { name: 'Dashboard' })).toBeTruthy()
    expect(load.replace).not.toHaveBeenCalled()
  })
})

describe('SignupPage', () => {
  function checklist(): Array<[string, 'met' | 'not yet']> {
    const list = screen.getByRole('list', { name: 'Password rules' })
    return within(list)
      .getAllByRole('listitem')
      .map((item) => {
        const text = item.textContent ?? ''
        return [text.replace(/^\W+|\s*\((met|not yet)\)$/g, '').trim(), text.includes('(met)') ? 'met' : 'not yet']
      })
  }

  function rule(pattern: RegExp): 'met' | 'not yet' {
    const found = checklist().find(([label]) => pattern.test(label))
    if (!found) throw new Error(`no password rule matches ${pattern}: ${JSON.stringify(checklist())}`)
    return found[1]
  }

  function submitButton(): HTMLButtonElement {
    return screen.getByRole('button', { name: 'Create account' }) as HTMLButtonElement
  }

  async function fillIn(actor: ReturnType<typeof userEvent.setup>, values: { username: string; email?: string; password: string; confirm?: string }) {
    await actor.type(screen.getByLabelText('Username'), values.username)
    if (values.email) await actor.type(screen.getByLabelText('Email (optional)'), values.email)
    await actor.type(screen.getByLabelText('Password'), values.password)
    await actor.type(screen.getByLabelText('Confirm password'), values.confirm ?? values.password)
  }

  it("checks the password with the shared rules and the server's settings as the user types", async () => {
    stubAuthApi({})
    const actor = userEvent.setup()
    renderAt('/signup')
    expect(document.title).toBe('Create an account · Portcullis')
    // The server's settings: 12 characters, and its product name.
    await waitFor(() =>
      expect(checklist().map(([label]) => label)).toEqual([
        'At least 12 characters',
        'Not one character or a short pattern repeated',
        'Not a sequence like 12345678 or qwertyui',
        'Not built from your username, your email or the name Acme',
        'Both passwords match',
      ]),
    )
    expect(checklist().every(([, state]) => state === 'not yet')).toBe(true)

    await actor.type(screen.getByLabelText('Username'), 'alice.smith')
    const password = screen.getByLabelText('Password')
    await actor.type(password, 'alice.smith2024')
    expect(rule(/^At least 12/)).toBe('met')
    expect(rule(/^Not built from/)).toBe('not yet')

    await actor.clear(password)
    await actor.type(password, 'acme-acme-acme')
    expect(rule(/^Not built from/)).toBe('not yet')

    await actor.clear(password)
    await actor.type(password, 'tulip orbit lantern')
    expect(
      checklist()
        .slice(0, 4)
        .every(([, state]) => state === 'met'),
    ).toBe(true)
    expect(rule(/^Both passwords match/)).toBe('not yet')
    await actor.type(screen.getByLabelText('Confirm password'), 'tulip orbit lantern')
    expect(rule(/^Both passwords match/)).toBe('met')
  })

  it('keeps the button enabled, and on submit names every problem at its field at once and focuses the first', async () => {
    const fetchMock = stubAuthApi({})
    const actor = userEvent.setup()
    renderAt('/signup')
    await screen.findByText('At least 12 characters')
    expect(submitButton().disabled).toBe(false)

    await fillIn(actor, { username: '-x', email: 'not an email', password: '12345678', confirm: '1234567' })
    await actor.click(submitButton())

    const username = screen.getByLabelText('Username')
    expect(errorOf(username)).toBe('Username must be 3 to 32 characters: letters, digits, dots, dashes or underscores, starting with a letter or digit.')
    expect(errorOf(screen.getByLabelText('Email (optional)'))).toBe('Email must be an email address like name@example.com.')
    expect(errorOf(screen.getByLabelText('Password'))).toBe(
      'Password must be at least 12 characters long. Password must not be a sequence of letters, digits or keys (like 12345678, abcdefgh or qwertyui).',
    )
    expect(errorOf(screen.getByLabelText('Confirm password'))).toBe('The confirmation does not match the password.')
    for (const label of ['Username', 'Email (optional)', 'Password', 'Confirm password']) {
      expect(screen.getByLabelText(label).getAttribute('aria-invalid')).toBe('true')
    }
    expect(document.activeElement).toBe(username)
    expect(fetchMock.mock.calls.map(([input]) => input)).toEqual(['/auth/password-policy'])

    // Fixing a field takes its message away; the others stay until the next submit.
    await actor.clear(username)
    await actor.type(username, 'alice.smith')
    expect(errorOf(username)).toBeUndefined()
    expect(errorOf(screen.getByLabelText('Password'))).toMatch(/^Password must be at least 12/)
    await actor.click(submitButton())
    expect(document.activeElement).toBe(screen.getByLabelText('Email (optional)'))
  })

  it("shows the server's field errors next to their fields, all at once, the first focused", async () => {
    stubAuthApi({
      'POST /auth/signup': () =>
        problem(422, 'validation_failed', 'The request is not valid', [
          { field: 'email', message: 'Email must be an email address like name@example.com.', code: 'format' },
          { field: 'password', message: 'Password is too common; choose one that is harder to guess.', code: 'common' },
          { field: 'password', message: 'Password must not be built from your username, your email address or the name Acme.', code: 'context' },
        ]),
    })
    const actor = userEvent.setup()
    renderAt('/signup')
    await screen.findByText('At least 12 characters')
    await fillIn(actor, { username: 'alice.smith', email: 'alice@example', password: 'tulip orbit lantern' })
    await actor.click(submitButton())

    const email = screen.getByLabelText('Email (optional)')
    await waitFor(() => expect(errorOf(email)).toBe('Email must be an email address like name@example.com.'))
    expect(errorOf(screen.getByLabelText('Password'))).toBe(
      'Password is too common; choose one that is harder to guess. Password must not be built from your username, your email address or the name Acme.',
    )
    expect(errorOf(screen.getByLabelText('Username'))).toBeUndefined()
    expect(document.activeElement).toBe(email)
    expect(screen.getAllByRole('alert')).toHaveLength(2)
  })

  it('shows a 409 username_taken next to the username field', async () => {
    stubAuthApi({ 'POST /auth/signup': () => problem(409, 'username_taken', 'That username is taken') })
    const actor = userEvent.setup()
    renderAt('/signup')
    await screen.findByText('At least 12 characters')

    await fillIn(actor, { username: 'alice.smith', password: 'tulip orbit lantern' })
    await actor.click(submitButton())

    const username = screen.getByLabelText('Username')
    await waitFor(() => expect(username.getAttribute('aria-invalid')).toBe('true'))
    expect(descriptionsOf(username)).toContain('That username is taken')
    // Announced once, as the field's error rather than a second form-level alert.
    const alerts = screen.getAllByRole('alert')
    expect(alerts.map((alert) => alert.textContent)).toEqual(['That username is taken'])
    expect(screen.getByLabelText('Password').getAttribute('aria-invalid')).toBeNull()
    expect(document.activeElement).toBe(username)
    expect(sessionStore.get()).toEqual({ status: 'anonymous' })
  })

  it('shows how strong the password is, with zxcvbn’s warning, once the user types one', async () => {
    stubAuthApi({})
    const actor = userEvent.setup()
    renderAt('/signup')
    expect(screen.queryByRole('meter')).toBeNull()

    await actor.type(screen.getByLabelText('Username'), 'alice.smith')
    await actor.type(screen.getByLabelText('Password'), 'password')
    const meter = await screen.findByRole('meter', { name: 'Strength:' }, { timeout: 5000 })
    expect(meter.getAttribute('aria-valuetext')).toBe('Very weak')
    expect(screen.getByText('Very weak')).toBeTruthy()
    expect(screen.getByText('This is a heavily used password.')).toBeTruthy()

    const password = screen.getByLabelText('Password')
    await actor.clear(password)
    await actor.type(password, 'alice.smith1')
    // The username counts as a word a guesser knows.
    await waitFor(() => expect(screen.getByRole('meter').getAttribute('aria-valuetext')).toBe('Weak'))
    expect(screen.getByText('There should not be any personal or page related data.')).toBeTruthy()

    await actor.clear(password)
    await actor.type(password, 'tulip orbit lantern gravel')
    await waitFor(() => expect(screen.getByRole('meter').getAttribute('aria-valuetext')).toBe('Strong'))
  })

  it('signs up without the settings when they cannot be had: the server has the last word', async () => {
    const fetchMock = stubAuthApi({
      'GET /auth/password-policy': () => problem(503, 'service_unavailable', 'The service cannot answer right now'),
      'POST /auth/signup': () => json({ user: alice }, 201),
      'POST /auth/login': () => json({ access_token: 'access-1', token_type: 'Bearer', expires_in: 600, user: alice }),
    })
    const actor = userEvent.setup()
    renderAt('/signup')
    await waitFor(() => expect(fetchMock.mock.calls.map(([input]) => input)).toContain('/auth/password-policy'))
    expect(checklist().map(([label]) => label)).toEqual(['Both passwords match'])
    await fillIn(actor, { username: 'alice.smith', password: 'tulip orbit lantern' })
    await actor.click(submitButton())
    expect(await screen.findByRole('heading', { name: 'Dashboard' })).toBeTruthy()
  })

  it('creates the account, signs in and goes to the dashboard', async () => {
    const fetchMock = stubAuthApi({
      'POST /auth/signup': () => json({ user: alice }, 201),
      'POST /auth/login': () => json({ access_token: 'access-1', token_type: 'Bearer', expires_in: 600, user: alice }),
    })
    const actor = userEvent.setup()
    renderAt('/signup')
    await screen.findByText('At least 12 characters')

    await fillIn(actor, { username: '  alice.smith ', password: 'correct horse battery staple' })
    await actor.click(submitButton())

    expect(await screen.findByRole('heading', { name: 'Dashboard' })).toBeTruthy()
    expect(fetchMock.mock.calls.map(([input]) => input)).toEqual(['/auth/password-policy', '/auth/signup', '/auth/login'])
    expect(bodyOf(fetchMock, '/auth/signup')).toEqual({
      username: 'alice.smith',
      password: 'correct horse battery staple',
      confirm_password: 'correct horse battery staple',
    })
    expect(bodyOf(fetchMock, '/auth/login')).toEqual({ username: 'alice.smith', password: 'correct horse battery staple', session: 'cookie' })
    expect(sessionStore.get()).toMatchObject({ status: 'signed-in', accessToken: 'access-1', user: alice })
  })
  it('sends a new account that must prove its address first to the login page, saying so, its username filled in', async () => {
    stubAuthApi({
      'POST /auth/signup': () => json({ user: { ...alice, email: 'alice@example.com' } }, 201),
      'POST /auth/login': () => problem(403, 'email_not_verified', 'Confirm your email address before you sign in'),
    })
    const actor = userEvent.setup()
    renderAt('/signup')
    await screen.findByText('At least 12 characters')
    await fillIn(actor, { username: 'alice.smith', email: 'alice@example.com', password: 'tulip orbit lantern' })
    await actor.click(submitButton())

    expect(await screen.findByRole('heading', { name: 'Sign in' })).toBeTruthy()
    expect(screen.getByRole('status').textContent).toBe('Your account has been created. Open the link we sent to your email address, then sign in.')
    expect((screen.getByLabelText('Username or email') as HTMLInputElement).value).toBe('alice.smith')
    expect(sessionStore.get()).toEqual({ status: 'anonymous' })
  })
})
