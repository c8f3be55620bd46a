// The profile page: name and email (server errors next to their fields), password change, sign out everywhere.
import type { UserBody } from '@portcullis/shared/api/common'
import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { render, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { MemoryRouter, Route, Routes, useLocation } from 'react-router'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { sessionStore } from '../src/features/auth/session/session-store.ts'
import { ProfilePage } from '../src/features/profile/routes/index.ts'
import { errorOf, json, noContent, problem, sentBody, stubFetch } from './fetch-stub.ts'

const alice: UserBody = {
  id: '0190a3c4-0000-7000-8000-000000000001',
  username: 'alice',
  email: 'alice@example.com',
  display_name: 'Alice',
  role: 'user',
  status: 'active',
  created_at: '2025-01-01T00:00:00.000Z',
  last_login_at: '2025-06-01T09:30:00.000Z',
}

function LocationProbe() {
  const location = useLocation()
  return <div data-testid="location">{location.pathname}</div>
}

function renderProfile() {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } })
  render(
    <QueryClientProvider client={queryClient}>
      <MemoryRouter initialEntries={['/profile']}>
        <Routes>
          <Route path="/profile" element={<ProfilePage />} />
          <Route path="/login" element={<h1>Sign in</h1>} />
        </Routes>
        <LocationProbe />
      </MemoryRouter>
    </QueryClientProvider>,
  )
  return { queryClient, actor: userEvent.setup() }
}

function statusText(pattern: RegExp): string | undefined {
  return screen
    .getAllByRole('status')
    .map((element) => element.textContent ?? '')
    .find((text) => pattern.test(text))
}

beforeEach(() => {
  sessionStore.set({ status: 'signed-in', accessToken: 'token-of-alice', user: alice, expiresAt: Date.now() + 600_000 })
  // signOut() tells the other tabs through a BroadcastChannel; there are none here.
  vi.stubGlobal('BroadcastChannel', undefined)
})

afterEach(() => {
  vi.unstubAllGlobals()
})

describe('ProfilePage: name and email', () => {
  it('fills the form from the profile and saves only what changed', async () => {
    const { calls, fetchMock } = stubFetch({
      'GET /user/profile': () => json(alice),
      'PATCH /user/profile': (init) => json({ ...alice, ...(sentBody(init) as object) }),
    })
    const { actor } = renderProfile()

    expect(screen.getByRole('heading', { level: 1, name: 'Profile' })).toBeTruthy()
    const displayName = (await screen.findByLabelText('Display name')) as HTMLInputElement
    expect(displayName.value).toBe('Alice')
    expect((screen.getByLabelText('Email') as HTMLInputElement).value).toBe('alice@example.com')

    await actor.clear(displayName)
    await actor.type(displayName, '  Alice Liddell ')
    await actor.click(screen.getByRole('button', { name: 'Save profile' }))

    await waitFor(() => expect(statusText(/saved/)).toBe('Your profile has been saved.'))
    expect(calls).toEqual(['GET /user/profile', 'PATCH /user/profile'])
    expect(sentBody(fetchMock.mock.calls[1]?.[1])).toEqual({ display_name: 'Alice Liddell' })
    expect(displayName.value).toBe('Alice Liddell')
  })

  it('shows 409 email_taken next to the email field and keeps what was typed', async () => {
    stubFetch({
      'GET /user/profile': () => json(alice),
      'PATCH /user/profile': () => problem(409, 'email_taken', 'That email address is already in use'),
    })
    const { actor } = renderProfile()

    const email = (await screen.findByLabelText('Email')) as HTMLInputElement
    await actor.clear(email)
    await actor.type(email, 'bob@example.com')
    await actor.click(screen.getByRole('button', { name: 'Save profile' }))

    await waitFor(() => expect(errorOf(email)).toBe('That email address is already in use'))
    expect(email.getAttribute('aria-invalid')).toBe('true')
    expect(email.value).toBe('bob@example.com')
    expect(errorOf(screen.getByLabelText('Display name'))).toBeUndefined()
    // The message sits at the field, not a second time above the form.
    expect(screen.getAllByRole('alert').map((alert) => alert.textContent)).toEqual(['That email address is already in use'])
    expect(statusText(/saved/)).toBeUndefined()
  })

  it('puts a 422 field error from the server next to the field it names', async () => {
    stubFetch({
      'GET /user/profile': () => json(alice),
      'PATCH /user/profile': () =>
        problem(422, 'validation_failed', 'display_name must not contain a NUL character', [
          { field: 'display_name', message: 'must not contain a NUL character' },
        ]),
    })
    const { actor } = renderProfile()

    const displayName = (await screen.findByLabelText('Display name')) as HTMLInputElement
    await actor.type(displayName, ' the Second')
    await actor.click(screen.getByRole('button', { name: 'Save profile' }))

    await waitFor(() => expect(errorOf(displayName)).toBe('must not contain a NUL character'))
    expect(displayName.value).toBe('Alice the Second')
    expect(errorOf(screen.getByLabelText('Email'))).toBeUndefined()
  })
})

describe('ProfilePage: password', () => {
  it('shows the server message at the current password when it is wrong', async () => {
    const { fetchMock } = stubFetch({
      'GET /user/profile': () => json(alice),
      'POST /auth/password': () =>
        problem(422, 'validation_failed', 'current_password is not your current password', [
          { field: 'current_password', message: 'is not your current password' },
        ]),
    })
    const { actor } = renderProfile()

    const submit = screen.getByRole('button', { name: 'Change password' }) as HTMLButtonElement
    expect(submit.disabled).toBe(true)
    await actor.type(screen.getByLabelText('Current password'), 'not my password')
    await actor.type(screen.getByLabelText('New password'), 'a much longer passphrase')
    expect(submit.disabled).toBe(true) // not confirmed yet
    await actor.type(screen.getByLabelText('Confirm new password'), 'a much longer passphrase')
    const rules = within(screen.getByRole('list', { name: 'Password rules' }))
    expect(rules.getAllByRole('listitem').every((rule) => rule.className === 'met')).toBe(true)
    await actor.click(submit)

    const current = screen.getByLabelText('Current password') as HTMLInputElement
    await waitFor(() => expect(errorOf(current)).toBe('is not your current password'))
    expect(current.getAttribute('aria-invalid')).toBe('true')
    expect(errorOf(screen.getByLabelText('New password'))).toBeUndefined()
    const call = fetchMock.mock.calls.find(([input]) => input === '/auth/password')
    expect(sentBody(call?.[1])).toEqual({ current_password: 'not my password', new_password: 'a much longer passphrase' })
    expect(statusText(/changed/)).toBeUndefined()
  })

  it('clears the form and says so when the password is changed', async () => {
    stubFetch({ 'GET /user/profile': () => json(alice), 'POST /auth/password': () => noContent() })
    const { actor } = renderProfile()

    await actor.type(screen.getByLabelText('Current password'), 'my old password')
    await actor.type(screen.getByLabelText('New password'), 'a much longer passphrase')
    await actor.type(screen.getByLabelText('Confirm new password'), 'a much longer passphrase')
    await actor.click(screen.getByRole('button', { name: 'Change password' }))

    await waitFor(() => expect(statusText(/changed/)).toBe('Your password has been changed. Your other sessions have been signed out.'))
    for (const label of ['Current password', 'New password', 'Confirm new password']) expect((screen.getByLabelText(label) as HTMLInputElement).value).toBe('')
  })
})

describe('ProfilePage: sign out everywhere', () => {
  it('asks for confirmation first and does nothing on Cancel', async () => {
    const { calls } = stubFetch({ 'GET /user/profile': () => json(alice) })
    const { actor } = renderProfile()
    await screen.findByLabelText('Email')

    expect(screen.queryByRole('dialog')).toBeNull()
    await actor.click(screen.getByRole('button', { name: 'Sign out everywhere' }))
    const dialog = screen.getByRole('dialog', { name: 'Sign out everywhere?' })
    expect(within(dialog).getByRole('button', { name: 'Yes, sign out everywhere' })).toBeTruthy()

    await actor.click(within(dialog).getByRole('button', { name: 'Cancel' }))

    expect(screen.queryByRole('dialog')).toBeNull()
    expect(calls).toEqual(['GET /user/profile'])
    expect(sessionStore.get().status).toBe('signed-in')
    expect(screen.getByTestId('location').textContent).toBe('/profile')
  })

  it('ends every session, then this tab, and goes to the login page once confirmed', async () => {
    const { calls } = stubFetch({
      'GET /user/profile': () => json(alice),
      'POST /auth/logout-all': () => noContent(),
      'POST /auth/logout': () => noContent(),
    })
    const { actor } = renderProfile()
    await screen.findByLabelText('Email')

    await actor.click(screen.getByRole('button', { name: 'Sign out everywhere' }))
    await actor.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Yes, sign out everywhere' }))

    await waitFor(() => expect(screen.getByTestId('location').textContent).toBe('/login'))
    expect(calls).toEqual(['GET /user/profile', 'POST /auth/logout-all', 'POST /auth/logout'])
    expect(sessionStore.get()).toEqual({ status: 'anonymous', reason: 'signed_out' })
  })

  it('stays signed in and says why when the server cannot sign out everywhere', async () => {
    stubFetch({
      'GET /user/profile': () => json(alice),
      'POST /auth/logout-all': () => problem(503, 'service_unavailable', 'The service cannot answer right now'),
    })
    const { actor } = renderProfile()
    await screen.findByLabelText('Email')

    await actor.click(screen.getByRole('button', { name: 'Sign out everywhere' }))
    await actor.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Yes, sign out everywhere' }))

    expect((await screen.findByRole('alert')).textContent).toBe('The service cannot answer right now')
    expect(sessionStore.get().status).toBe('signed-in')
    expect(screen.getByTestId('location').textContent).toBe('/profile')
  })
})
