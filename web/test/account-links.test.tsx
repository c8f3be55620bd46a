// The pages a mail's link opens, and the one that asks for a reset link: the whole app in a real browser history (strict
// mode on, as in development), so that what the address bar holds when each request goes out can be checked.
import type { UserBody } from '@portcullis/shared/api/common'
import { json, noContent, problem, type Route as Answer, sentBody, stubFetch } from '@portcullis/testkit/fetch-stub'
import { cleanup, render, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { StrictMode } from 'react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { App } from '../src/app/App.tsx'
import { type SessionState, sessionStore } from '../src/lib/session/session-store.ts'
import { errorOf } from './described-by.ts'
import { testUser } from './users.ts'

vi.mock('../src/lib/session/refresh-before-expiry.ts', () => ({ refreshBeforeExpiry: () => () => {} }))

const TOKEN = 'Zm9yZ290LXBhc3N3b3JkLXRva2VuLW9mLWFsaWNlLTQz'
const POLICY = { min_length: 12, max_length: 64, product_name: 'Acme', email_verification: 'optional' }
const INVALID_LINK = 'This link has expired or was already used; ask for a new one'

const alice = testUser({ email_verified: false, display_name: null })

function signedIn(user: UserBody): SessionState {
  return { status: 'signed-in', accessToken: 'token-of-alice', user, expiresAt: Date.now() + 600_000 }
}

/** Every request is stubbed; `addresses` holds what the address bar said when each one went out. */
function stubApi(routes: Record<string, Answer>) {
  const stub = stubFetch({ 'GET /auth/password-policy': () => json(POLICY), ...routes })
  const addresses: string[] = []
  vi.stubGlobal('fetch', (input: string, init?: RequestInit) => {
    addresses.push(window.location.href)
    return stub.fetchMock(input, init)
  })
  return { ...stub, addresses, bodiesTo: (method: string, url: string) => stub.callsTo(method, url).map(([, init]) => sentBody(init)) }
}

function open(address: string, session: SessionState = { status: 'anonymous' }) {
  sessionStore.set(session)
  window.history.replaceState(null, '', address)
  render(
    <StrictMode>
      <App />
    </StrictMode>,
  )
  return userEvent.setup()
}

function statuses(): string[] {
  return screen.queryAllByRole('status').map((element) => element.textContent ?? '')
}

beforeEach(() => {
  // signOut() tells the other tabs through a BroadcastChannel; there are none here.
  vi.stubGlobal('BroadcastChannel', undefined)
})

afterEach(() => {
  vi.unstubAllGlobals()
  window.history.replaceState(null, '', '/')
})

describe('ForgotPasswordPage', () => {
  const CONFIRMATION = 'If an account matches, we have sent a link to its email address. The link works for a limited time, and only once.'

  it('sends what was typed and confirms in the same words whatever the name', async () => {
    const { bodiesTo } = stubApi({ 'POST /auth/password/forgot': () => json({}, 202) })
    const actor = open('/forgot-password')
    const heading = await screen.findByRole('heading', { level: 1, name: 'Reset your password' })
    expect(document.activeElement).toBe(heading)
    expect(document.title).toBe('Reset your password · Portcullis')

    await actor.type(screen.getByLabelText('Username or email'), '  nobody@example.com ')
    await actor.click(screen.getByRole('button', { name: 'Send reset link' }))

    const confirmation = await screen.findByText(CONFIRMATION)
    expect(confirmation.getAttribute('role')).toBe('status')
    expect(document.activeElement).toBe(confirmation)
    expect(screen.queryByLabelText('Username or email')).toBeNull()
    expect(bodiesTo('POST', '/auth/password/forgot')).toEqual([{ login: 'nobody@example.com' }])
    expect(screen.getByRole('link', { name: 'Back to sign in' }).getAttribute('href')).toBe('/login')
  })

  it('names an empty field and sends nothing', async () => {
    const { calls } = stubApi({})
    const actor = open('/forgot-password')
    await actor.click(await screen.findByRole('button', { name: 'Send reset link' }))
    const login = screen.getByLabelText('Username or email')
    expect(errorOf(login)).toBe('Username or email is required.')
    expect(document.activeElement).toBe(login)
    expect(calls).toEqual([])
  })

  it("shows the server's 429 with when to try again, and no confirmation", async () => {
    stubApi({
      'POST /auth/password/forgot': () => problem(429, 'too_many_attempts', 'Too many attempts; try again later', undefined, { 'retry-after': '120' }),
    })
    const actor = open('/forgot-password')
    await actor.type(await screen.findByLabelText('Username or email'), 'alice')
    await actor.click(screen.getByRole('button', { name: 'Send reset link' }))

    expect((await screen.findByRole('alert')).textContent).toBe('Too many attempts; try again later (try again in 120 s)')
    expect(screen.queryByText(CONFIRMATION)).toBeNull()
    expect(screen.getByLabelText('Username or email')).toBeTruthy()
  })

  it('puts a field error of the server at the field', async () => {
    const message = 'Username or email must not contain control characters or invisible formatting characters.'
    stubApi({ 'POST /auth/password/forgot': () => problem(422, 'validation_failed', 'The request is not valid', [{ field: 'login', message }]) })
    const actor = open('/forgot-password')
    await actor.type(await screen.findByLabelText('Username or email'), 'alice')
    await actor.click(screen.getByRole('button', { name: 'Send reset link' }))
    await waitFor(() => expect(errorOf(screen.getByLabelText('Username or email'))).toBe(message))
  })
})

describe('ResetPasswordPage', () => {
  async function choose(actor: ReturnType<typeof userEvent.setup>, password: string, confirm = password) {
    await actor.type(await screen.findByLabelText('New password'), password)
    await actor.type(screen.getByLabelText('Confirm new password'), confirm)
    await actor.click(screen.getByRole('button', { name: 'Set new password' }))
  }

  it('takes the token out of the address before any request goes out, and keeps it out of the history', async () => {
    const { addresses, calls } = stubApi({ 'POST /auth/refresh': () => problem(401, 'invalid_refresh_token', 'The refresh token is not valid') })
    open(`/reset-password?token=${TOKEN}`, { status: 'restoring' })

    expect(window.location.pathname).toBe('/reset-password')
    expect(window.location.search).toBe('')
    expect(JSON.stringify(window.history.state ?? null)).not.toContain(TOKEN)
    await screen.findByText('At least 12 characters')
    // Strict mode may ask for the settings twice (its second effect run aborts the first request).
    expect(new Set(calls)).toEqual(new Set(['POST /auth/refresh', 'GET /auth/password-policy']))
    expect(addresses.filter((address) => address.includes(TOKEN) || address.includes('token='))).toEqual([])
    expect(screen.getByRole('heading', { level: 1, name: 'Choose a new password' })).toBeTruthy()
  })

  it('sets the new password with the token from the link, then the login page says to sign in with it', async () => {
    const { bodiesTo, addresses } = stubApi({ 'POST /auth/password/reset': () => noContent() })
    const actor = open(`/reset-password?token=${TOKEN}`)
    await screen.findByText('At least 12 characters')
    await choose(actor, 'tulip orbit lantern')

    expect(await screen.findByRole('heading', { level: 1, name: 'Sign in' })).toBeTruthy()
    expect(window.location.pathname).toBe('/login')
    expect(statuses()).toContain('Your password has been changed. Sign in with the new one.')
    expect(bodiesTo('POST', '/auth/password/reset')).toEqual([{ token: TOKEN, new_password: 'tulip orbit lantern' }])
    expect(addresses.some((address) => address.includes('token='))).toBe(false)
  })

  it('signs this tab out first when it is signed in: the reset ended every session of the account', async () => {
    const { calls } = stubApi({
      'POST /auth/password/reset': () => noContent(),
      'POST /auth/logout': () => noContent(),
      'GET /user/profile': () => json(alice),
    })
    const actor = open(`/reset-password?token=${TOKEN}`, signedIn({ ...alice, email_verified: true }))
    await screen.findByText('At least 12 characters')
    await choose(actor, 'tulip orbit lantern')

    expect(await screen.findByRole('heading', { level: 1, name: 'Sign in' })).toBeTruthy()
    expect(calls.filter((call) => call.startsWith('POST'))).toEqual(['POST /auth/password/reset', 'POST /auth/logout'])
    expect(sessionStore.get().status).toBe('anonymous')
    expect(statuses()).toContain('Your password has been changed. Sign in with the new one.')
  })

  it("checks the rules with the server's settings first, then shows the server's own refusals at the field", async () => {
    const common = 'New password is too common; choose one that is harder to guess.'
    const { calls } = stubApi({
      'POST /auth/password/reset': () =>
        problem(422, 'validation_failed', 'The request is not valid', [{ field: 'new_password', message: common, code: 'common' }]),
    })
    const actor = open(`/reset-password?token=${TOKEN}`)
    await screen.findByText('At least 12 characters')
    await choose(actor, 'short', 'other')
    const password = screen.getByLabelText('New password')
    expect(errorOf(password)).toBe('New password must be at least 12 characters long.')
    expect(errorOf(screen.getByLabelText('Confirm new password'))).toBe('The confirmation does not match the password.')
    expect(document.activeElement).toBe(password)
    expect(calls).not.toContain('POST /auth/password/reset')

    await actor.clear(password)
    await actor.clear(screen.getByLabelText('Confirm new password'))
    await choose(actor, 'password1234567')
    await waitFor(() => expect(errorOf(screen.getByLabelText('New password'))).toBe(common))
    expect(document.activeElement).toBe(screen.getByLabelText('New password'))
    expect(window.location.pathname).toBe('/reset-password')
  })

  it('shows a refused link in its own words, with the way to a new one', async () => {
    stubApi({ 'POST /auth/password/reset': () => problem(400, 'invalid_link', INVALID_LINK) })
    const actor = open(`/reset-password?token=${TOKEN}`)
    await screen.findByText('At least 12 characters')
    await choose(actor, 'tulip orbit lantern')

    expect((await screen.findByRole('alert')).textContent).toBe(INVALID_LINK)
    expect(screen.getByRole('link', { name: 'Ask for a new link' }).getAttribute('href')).toBe('/forgot-password')
    expect(screen.queryByLabelText('New password')).toBeNull()
  })

  it('says the link is not valid when the address has no token, or not one of ours, and asks nothing', async () => {
    for (const address of ['/reset-password', '/reset-password?token=short', '/reset-password?token=has%20spaces%20in%20it%20and%20more']) {
      const { calls } = stubApi({})
      open(address)
      const alert = await screen.findByRole('alert')
      expect(alert.textContent).toMatch(/^This link is not valid/)
      expect(screen.getByRole('link', { name: 'Ask for a new link' }).getAttribute('href')).toBe('/forgot-password')
      expect(screen.queryByLabelText('New password')).toBeNull()
      expect(window.location.search).toBe('')
      expect(calls).toEqual([])
      cleanup()
    }
  })
})

describe('VerifyEmailPage', () => {
  it('sends the token once (strict mode runs effects twice), with the token already out of the address', async () => {
    const { bodiesTo, addresses } = stubApi({ 'POST /auth/email/verify': () => noContent() })
    open(`/verify-email?token=${TOKEN}`)
    expect(window.location.search).toBe('')

    expect(await screen.findByText('Your email address is confirmed.')).toBeTruthy()
    expect(bodiesTo('POST', '/auth/email/verify')).toEqual([{ token: TOKEN }])
    expect(addresses.some((address) => address.includes('token='))).toBe(false)
    // Not signed in: the way on is the login page.
    expect(within(screen.getByRole('main')).getByRole('link', { name: 'Sign in' }).getAttribute('href')).toBe('/login')
    expect(document.title).toBe('Confirm your email address · Portcullis')
  })

  it('signed in: after the address is proven the notice about it goes, and the way on is the dashboard', async () => {
    let verified = false
    const { calls } = stubApi({
      'POST /auth/email/verify': () => {
        verified = true
        return noContent()
      },
      'GET /user/profile': () => json({ ...alice, email_verified: verified }),
    })
    open(`/verify-email?token=${TOKEN}`, signedIn(alice))

    expect(await screen.findByText('Your email address is confirmed.')).toBeTruthy()
    await waitFor(() => expect(screen.queryByRole('region', { name: 'Your email address' })).toBeNull())
    expect(calls.filter((call) => call === 'GET /user/profile').length).toBeGreaterThanOrEqual(1)
    expect(within(screen.getByRole('main')).getByRole('link', { name: 'Go to your dashboard' }).getAttribute('href')).toBe('/dashboard')
  })

  it('shows a refused link and, to a stranger, the way to sign in', async () => {
    stubApi({ 'POST /auth/email/verify': () => problem(400, 'invalid_link', INVALID_LINK) })
    open(`/verify-email?token=${TOKEN}`)
    expect((await screen.findByRole('alert')).textContent).toBe(INVALID_LINK)
    expect(screen.getByRole('link', { name: 'Sign in to ask for a new link' }).getAttribute('href')).toBe('/login')
    expect(screen.queryByRole('button', { name: 'Send a new link' })).toBeNull()
  })

  it('offers a signed-in user a new link for a refused one, sent with their session', async () => {
    const { callsTo } = stubApi({
      'POST /auth/email/verify': () => problem(400, 'invalid_link', INVALID_LINK),
      'POST /auth/email/verify/resend': () => json({}, 202),
      'GET /user/profile': () => json(alice),
    })
    const actor = open(`/verify-email?token=${TOKEN}`, signedIn(alice))
    const main = within(screen.getByRole('main'))
    expect((await main.findByRole('alert')).textContent).toBe(INVALID_LINK)
    await actor.click(main.getByRole('button', { name: 'Send a new link' }))

    await waitFor(() => expect(statuses()).toContain(' Sent: open the newest link in your mail.'))
    const [resend] = callsTo('POST', '/auth/email/verify/resend')
    expect(sentBody(resend?.[1])).toEqual({})
    expect(new Headers(resend?.[1]?.headers).get('authorization')).toBe('Bearer token-of-alice')
  })

  it('says the link is not valid without a token, and sends nothing', async () => {
    const { calls } = stubApi({})
    open('/verify-email')
    expect((await screen.findByRole('alert')).textContent).toMatch(/^This link is not valid/)
    expect(calls).toEqual([])
  })

  it("shows the server's 409 when the new address was taken meanwhile", async () => {
    stubApi({ 'POST /auth/email/verify': () => problem(409, 'email_taken', 'That email address is already in use') })
    open(`/verify-email?token=${TOKEN}`)
    expect((await screen.findByRole('alert')).textContent).toBe('That email address is already in use')
    expect(screen.queryByText('Your email address is confirmed.')).toBeNull()
    expect(screen.queryByRole('button', { name: 'Try again' })).toBeNull()
  })
})
