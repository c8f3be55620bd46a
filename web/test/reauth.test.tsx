// Step-up in the SPA: the API client does not refresh on 401 reauthentication_required (a refresh keeps the sign-in's
// age) nor on other 401s that are answers (a wrong password or code); it asks the one prompt instead, and after
// POST /auth/reauthenticate stores the new token and sends the refused request once more; cancelling hands the form its
// own refusal. The prompt: the password, and a code from the app or a recovery code when the account has an app. fetch is
// stubbed; nothing touches the network.
import type { MfaStatusResponse } from '@portcullis/shared/api/mfa'
import { json, noContent, problem, type Route as Answer, sentBody, stubFetch } from '@portcullis/testkit/fetch-stub'
import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { render, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { MemoryRouter } from 'react-router'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ReauthPrompt } from '../src/app/ReauthPrompt.tsx'
import { ProfilePage } from '../src/features/profile/routes/index.ts'
import { apiFetch } from '../src/lib/api-client.ts'
import { cancelReauthentication, completeReauthentication, reauthPrompt } from '../src/lib/reauth.ts'
import { sessionStore } from '../src/lib/session/session-store.ts'
import { errorOf } from './described-by.ts'
import { testUser } from './users.ts'

/** What the browser has where WebAuthn is: a PublicKeyCredential constructor (the tests stub navigator.credentials). */
class FakePublicKeyCredential {}

const alice = testUser()

const STEP_UP_DETAIL = 'For your security, confirm it is you: sign in again to make this change'
const stale = () =>
  problem(401, 'reauthentication_required', STEP_UP_DETAIL, undefined, {
    'www-authenticate': 'Bearer error="insufficient_user_authentication", max_age=300',
  })
const reauthenticated = (token: string) => json({ access_token: token, token_type: 'Bearer', expires_in: 600, user: alice })

function bearerOf(init: RequestInit | undefined): string | undefined {
  return (init?.headers as Record<string, string> | undefined)?.authorization
}

beforeEach(() => {
  sessionStore.set({ status: 'signed-in', accessToken: 'old-token', user: alice, expiresAt: Date.now() + 600_000 })
  vi.stubGlobal('BroadcastChannel', undefined)
})

afterEach(() => {
  cancelReauthentication()
  vi.unstubAllGlobals()
})

describe('the API client on a 401', () => {
  it('does not refresh on reauthentication_required: with no prompt to ask, the refusal stands', async () => {
    const { calls } = stubFetch({ 'POST /auth/password': stale })
    await expect(apiFetch('/auth/password', { method: 'POST', body: {} })).rejects.toMatchObject({ status: 401, code: 'reauthentication_required' })
    expect(calls).toEqual(['POST /auth/password'])
  })

  it('does not refresh and send again a wrong password or code: it would count twice', async () => {
    const { calls } = stubFetch({
      'DELETE /auth/mfa/totp': () => problem(401, 'invalid_code', 'That code is not right; try again'),
      'POST /auth/reauthenticate': () => problem(401, 'invalid_credentials', 'Invalid username or password'),
    })
    await expect(apiFetch('/auth/mfa/totp', { method: 'DELETE', body: { code: '111111' } })).rejects.toMatchObject({ code: 'invalid_code' })
    await expect(apiFetch('/auth/reauthenticate', { method: 'POST', body: { password: 'x' } })).rejects.toMatchObject({ code: 'invalid_credentials' })
    expect(calls).toEqual(['DELETE /auth/mfa/totp', 'POST /auth/reauthenticate'])
  })

  it('still refreshes once on a token refusal and retries', async () => {
    let n = 0
    const { calls } = stubFetch({
      'GET /user/profile': () => (++n === 1 ? problem(401, 'token_expired', 'The access token has expired') : json(alice)),
      'POST /auth/refresh': () => reauthenticated('refreshed-token'),
    })
    await expect(apiFetch('/user/profile')).resolves.toEqual(alice)
    expect(calls).toEqual(['GET /user/profile', 'POST /auth/refresh', 'GET /user/profile'])
  })

  it('asks the prompt; the requests refused meanwhile wait for the same answer, then each goes once more with the new token', async () => {
    const stop = reauthPrompt.subscribe(() => {})
    try {
      const { callsTo } = stubFetch({
        'POST /auth/password': (init) => (bearerOf(init) === 'Bearer fresh-token' ? noContent() : stale()),
        'PATCH /user/profile': (init) => (bearerOf(init) === 'Bearer fresh-token' ? json(alice) : stale()),
      })
      const password = apiFetch('/auth/password', { method: 'POST', body: { current_password: 'a', new_password: 'b' } })
      const profile = apiFetch('/user/profile', { method: 'PATCH', body: { email: 'new@example.test', current_password: 'a' } })
      await waitFor(() => expect(callsTo('PATCH', '/user/profile')).toHaveLength(1))
      const first = reauthPrompt.pending()
      expect(first?.problem.code).toBe('reauthentication_required')
      await waitFor(() => expect(callsTo('POST', '/auth/password')).toHaveLength(1))
      expect(reauthPrompt.pending()).toBe(first)

      completeReauthentication({ access_token: 'fresh-token', token_type: 'Bearer', expires_in: 600, user: alice })
      await expect(password).resolves.toBeUndefined()
      await expect(profile).resolves.toEqual(alice)
      expect(sessionStore.accessToken()).toBe('fresh-token')
      expect(reauthPrompt.pending()).toBeUndefined()
      expect(callsTo('POST', '/auth/password').map(([, init]) => bearerOf(init))).toEqual(['Bearer old-token', 'Bearer fresh-token'])
      expect(sentBody(callsTo('POST', '/auth/password')[1]?.[1])).toEqual({ current_password: 'a', new_password: 'b' })
    } finally {
      stop()
    }
  })

  it('cancelled, each waiting request fails with its own refusal; refused again after re-authenticating, it is not asked twice', async () => {
    const stop = reauthPrompt.subscribe(() => {})
    try {
      const { calls } = stubFetch({ 'POST /auth/password': stale })
      const cancelled = apiFetch('/auth/password', { method: 'POST', body: {} })
      await waitFor(() => expect(reauthPrompt.pending()).toBeDefined())
      cancelReauthentication()
      await expect(cancelled).rejects.toMatchObject({ code: 'reauthentication_required', message: STEP_UP_DETAIL })

      const again = apiFetch('/auth/password', { method: 'POST', body: {} })
      await waitFor(() => expect(reauthPrompt.pending()).toBeDefined())
      completeReauthentication({ access_token: 'fresh-token', token_type: 'Bearer', expires_in: 600, user: alice })
      await expect(again).rejects.toMatchObject({ code: 'reauthentication_required' })
      expect(reauthPrompt.pending()).toBeUndefined()
      expect(calls).toEqual(['POST /auth/password', 'POST /auth/password', 'POST /auth/password'])
    } finally {
      stop()
    }
  })
})

describe('the re-authentication prompt', () => {
  function profileApi(mfa: MfaStatusResponse, routes: Record<string, Answer>) {
    return stubFetch({
      'GET /user/profile': () => json(alice),
      'GET /auth/password-policy': () => json({ min_length: 10, max_length: 64, product_name: 'Acme', email_verification: 'optional' }),
      'GET /auth/mfa': () => json(mfa),
      'GET /auth/passkeys': () => json({ passkeys: [] }),
      'POST /auth/password': (init) => (bearerOf(init) === 'Bearer fresh-token' ? noContent() : stale()),
      ...routes,
    })
  }

  function renderProfileWithPrompt() {
    const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } })
    render(
      <QueryClientProvider client={queryClient}>
        <MemoryRouter initialEntries={['/profile']}>
          <ProfilePage />
          <ReauthPrompt />
        </MemoryRouter>
      </QueryClientProvider>,
    )
    return userEvent.setup()
  }

  async function changePassword(actor: ReturnType<typeof userEvent.setup>) {
    const form = within(await screen.findByRole('form', { name: 'Change password' }))
    await actor.type(form.getByLabelText('Current password'), 'correct horse battery staple')
    await actor.type(form.getByLabelText('New password'), 'a much newer passphrase')
    await actor.type(form.getByLabelText('Confirm new password'), 'a much newer passphrase')
    await actor.click(form.getByRole('button', { name: 'Change password' }))
    return within(await screen.findByRole('dialog', { name: "Confirm it's you" }))
  }

  it('opens on the refused password change; the password confirms, and the change goes through with the new token', async () => {
    const api = profileApi({ totp: false, passkeys: 0, recovery_codes_left: 0 }, { 'POST /auth/reauthenticate': () => reauthenticated('fresh-token') })
    const actor = renderProfileWithPrompt()
    const dialog = await changePassword(actor)
    expect(dialog.getByText('For your security, enter your password again to make this change.')).toBeTruthy()
    await waitFor(() => expect(api.calls).toContain('GET /auth/mfa'))
    expect(dialog.queryByLabelText('Authentication code')).toBeNull()

    await actor.click(dialog.getByRole('button', { name: 'Confirm' }))
    expect(errorOf(dialog.getByLabelText('Password'))).toBe('Password is required.')
    await actor.type(dialog.getByLabelText('Password'), 'correct horse battery staple')
    await actor.click(dialog.getByRole('button', { name: 'Confirm' }))

    expect(await screen.findByText('Your password has been changed. Your other sessions have been signed out.')).toBeTruthy()
    expect(screen.queryByRole('dialog')).toBeNull()
    expect(sentBody(api.callsTo('POST', '/auth/reauthenticate')[0]?.[1])).toEqual({ password: 'correct horse battery staple' })
    expect(bearerOf(api.callsTo('POST', '/auth/reauthenticate')[0]?.[1])).toBe('Bearer old-token')
    expect(api.callsTo('POST', '/auth/password').map(([, init]) => bearerOf(init))).toEqual(['Bearer old-token', 'Bearer fresh-token'])
    expect(api.calls).not.toContain('POST /auth/refresh')
    expect(sessionStore.accessToken()).toBe('fresh-token')
  })

  it('shows a wrong password at its field and stays open; too many attempts says when to try again', async () => {
    let attempts = 0
    profileApi(
      { totp: false, passkeys: 0, recovery_codes_left: 0 },
      {
        'POST /auth/reauthenticate': () =>
          ++attempts === 1
            ? problem(401, 'invalid_credentials', 'Invalid username or password')
            : problem(429, 'too_many_attempts', 'Too many attempts; try again later', undefined, { 'retry-after': '30' }),
      },
    )
    const actor = renderProfileWithPrompt()
    const dialog = await changePassword(actor)
    await actor.type(dialog.getByLabelText('Password'), 'not it')
    await actor.click(dialog.getByRole('button', { name: 'Confirm' }))
    await waitFor(() => expect(errorOf(dialog.getByLabelText('Password'))).toBe('Invalid username or password'))
    await actor.click(dialog.getByRole('button', { name: 'Confirm' }))
    expect((await dialog.findByRole('alert')).textContent).toBe('Too many attempts; try again later (try again in 30 s)')
    expect(screen.getByRole('dialog', { name: "Confirm it's you" })).toBeTruthy()
  })

  it('with an authenticator app: asks for a code, shows a wrong one at its field, and takes a recovery code instead', async () => {
    const api = profileApi(
      { totp: true, passkeys: 0, recovery_codes_left: 10 },
      {
        'POST /auth/reauthenticate': (init) =>
          (sentBody(init) as { code?: string }).code === '111111'
            ? problem(401, 'invalid_code', 'That code is not right; try again')
            : reauthenticated('fresh-token'),
      },
    )
    const actor = renderProfileWithPrompt()
    const dialog = await changePassword(actor)
    const code = await dialog.findByLabelText('Authentication code')
    await actor.type(dialog.getByLabelText('Password'), 'correct horse battery staple')
    await actor.click(dialog.getByRole('button', { name: 'Confirm' }))
    expect(errorOf(code)).toBe('Authentication code is required.')
    await actor.type(code, '111111')
    await actor.click(dialog.getByRole('button', { name: 'Confirm' }))
    await waitFor(() => expect(errorOf(dialog.getByLabelText('Authentication code'))).toBe('That code is not right; try again'))

    await actor.click(dialog.getByRole('button', { name: 'Use a recovery code instead' }))
    await actor.type(dialog.getByLabelText('Recovery code'), 'abcd-efgh-jkmn')
    await actor.click(dialog.getByRole('button', { name: 'Confirm' }))
    expect(await screen.findByText('Your password has been changed. Your other sessions have been signed out.')).toBeTruthy()
    expect(api.callsTo('POST', '/auth/reauthenticate').map(([, init]) => sentBody(init))).toEqual([
      { password: 'correct horse battery staple', code: '111111' },
      { password: 'correct horse battery staple', recovery_code: 'abcd-efgh-jkmn' },
    ])
  })

  it('with passkeys: "Use a passkey" confirms with one alone, and the change goes through', async () => {
    const bytes = (text: string) => new TextEncoder().encode(text).buffer
    vi.stubGlobal('PublicKeyCredential', FakePublicKeyCredential)
    const get = vi.fn(async () => ({
      id: 'Y3JlZC0x',
      rawId: bytes('cred-1'),
      type: 'public-key',
      authenticatorAttachment: 'platform',
      response: { authenticatorData: bytes('auth-data'), clientDataJSON: bytes('client-data'), signature: bytes('signature'), userHandle: null },
      getClientExtensionResults: () => ({}),
    }))
    Object.defineProperty(navigator, 'credentials', { value: { get }, configurable: true })
    const api = profileApi(
      { totp: false, passkeys: 1, recovery_codes_left: 10 },
      {
        'POST /auth/passkeys/reauthenticate/options': () =>
          json({ challenge: 'Y2hhbGxlbmdl', rpId: 'localhost', allowCredentials: [{ id: 'Y3JlZC0x', type: 'public-key' }] }),
        'POST /auth/reauthenticate': () => reauthenticated('fresh-token'),
      },
    )
    try {
      const actor = renderProfileWithPrompt()
      const dialog = await changePassword(actor)
      await actor.click(await dialog.findByRole('button', { name: 'Use a passkey' }))
      expect(await screen.findByText('Your password has been changed. Your other sessions have been signed out.')).toBeTruthy()
      const sent = api.callsTo('POST', '/auth/reauthenticate').map(([, init]) => sentBody(init) as { passkey?: { id: string }; password?: string })
      expect(sent).toHaveLength(1)
      expect(sent[0]?.passkey?.id).toBe('Y3JlZC0x')
      expect(sent[0]?.password).toBeUndefined()
      expect(get).toHaveBeenCalledTimes(1)
    } finally {
      Reflect.deleteProperty(navigator, 'credentials')
    }
  })

  it('asks for a code when the server does, though the status said none', async () => {
    profileApi(
      { totp: false, passkeys: 0, recovery_codes_left: 0 },
      {
        'POST /auth/reauthenticate': (init) =>
          (sentBody(init) as { code?: string }).code
            ? reauthenticated('fresh-token')
            : problem(422, 'validation_failed', 'The request is not valid', [
                { field: 'code', message: 'A code is required: the code from your authenticator app, or a recovery code.', code: 'required' },
              ]),
      },
    )
    const actor = renderProfileWithPrompt()
    const dialog = await changePassword(actor)
    await actor.type(dialog.getByLabelText('Password'), 'correct horse battery staple')
    await actor.click(dialog.getByRole('button', { name: 'Confirm' }))
    const code = await dialog.findByLabelText('Authentication code')
    expect(errorOf(code)).toBe('A code is required: the code from your authenticator app, or a recovery code.')
    await actor.type(code, '123456')
    await actor.click(dialog.getByRole('button', { name: 'Confirm' }))
    expect(await screen.findByText('Your password has been changed. Your other sessions have been signed out.')).toBeTruthy()
  })

  it('cancelled: the form says why the change did not go through, and nothing is sent again', async () => {
    const api = profileApi({ totp: false, passkeys: 0, recovery_codes_left: 0 }, {})
    const actor = renderProfileWithPrompt()
    const dialog = await changePassword(actor)
    await actor.click(dialog.getByRole('button', { name: 'Cancel' }))
    const form = within(screen.getByRole('form', { name: 'Change password' }))
    expect((await form.findByRole('alert')).textContent).toBe(STEP_UP_DETAIL)
    expect(screen.queryByRole('dialog')).toBeNull()
    expect(api.callsTo('POST', '/auth/password')).toHaveLength(1)
    expect(sessionStore.accessToken()).toBe('old-token')
  })

  it('closes when the session ends meanwhile', async () => {
    profileApi({ totp: false, passkeys: 0, recovery_codes_left: 0 }, {})
    const actor = renderProfileWithPrompt()
    await changePassword(actor)
    sessionStore.set({ status: 'anonymous', reason: 'signed_out' })
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull())
    expect(reauthPrompt.pending()).toBeUndefined()
  })
})
