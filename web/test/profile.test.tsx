// The profile page: name and email (a new address needs the current password and waits for its link), password change
// (every problem at its field at once, the shared rules with the server's settings, a strength meter), sign out
// everywhere, two-step verification (setting up an app, the recovery codes shown once, new ones, turning it off); the tab
// title and the focused heading.
import type { MfaStatusResponse as MfaStatus } from '@portcullis/shared/api/mfa'
import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { cleanup, render, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { MemoryRouter, Route, Routes, useLocation } from 'react-router'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { sessionStore } from '../src/lib/session/session-store.ts'
import { ProfilePage } from '../src/features/profile/routes/index.ts'
import { json, noContent, problem, type Route as Answer, sentBody, stubFetch } from '@portcullis/testkit/fetch-stub'
import { descriptionsOf, errorOf } from './described-by.ts'
import { testUser } from './users.ts'

const alice = testUser({ last_login_at: '2025-06-01T09:30:00.000Z' })

/** The profile and the server's password settings, which every render of the page asks for, and the routes of one test. */
function profileApi(routes: Record<string, Answer> = {}) {
  const stub = stubFetch({
    'GET /user/profile': () => json(alice),
    'GET /auth/password-policy': () => json({ min_length: 10, max_length: 64, product_name: 'Acme', email_verification: 'optional' }),
    'GET /auth/mfa': () => json({ totp: false, passkeys: 0, recovery_codes_left: 0 }),
    'GET /auth/passkeys': () => json({ passkeys: [] }),
    ...routes,
  })
  return { ...stub, changes: () => stub.calls.filter((call) => !call.startsWith('GET ')) }
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

/** The name-and-email form: the password form below it has a "Current password" too. */
function detailsForm() {
  return within(screen.getByRole('form', { name: 'Name and email' }))
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
    const { changes, fetchMock } = profileApi({
      'PATCH /user/profile': (init) => json({ ...alice, ...(sentBody(init) as object) }),
    })
    const { actor } = renderProfile()

    const heading = screen.getByRole('heading', { level: 1, name: 'Profile' })
    expect(document.activeElement).toBe(heading)
    expect(document.title).toBe('Profile · Portcullis')
    const displayName = (await screen.findByLabelText('Display name')) as HTMLInputElement
    expect(displayName.value).toBe('Alice')
    expect((screen.getByLabelText('Email') as HTMLInputElement).value).toBe('alice@example.com')

    await actor.clear(displayName)
    await actor.type(displayName, '  Alice Liddell ')
    await actor.click(screen.getByRole('button', { name: 'Save profile' }))

    await waitFor(() => expect(statusText(/saved/)).toBe('Your profile has been saved.'))
    expect(changes()).toEqual(['PATCH /user/profile'])
    const patch = fetchMock.mock.calls.find(([, init]) => init?.method === 'PATCH')
    expect(sentBody(patch?.[1])).toEqual({ display_name: 'Alice Liddell' })
    expect(displayName.value).toBe('Alice Liddell')
  })

  it('shows 409 email_taken next to the email field and keeps what was typed', async () => {
    profileApi({ 'PATCH /user/profile': () => problem(409, 'email_taken', 'That email address is already in use') })
    const { actor } = renderProfile()

    const email = (await screen.findByLabelText('Email')) as HTMLInputElement
    await actor.clear(email)
    await actor.type(email, 'bob@example.com')
    await actor.type(detailsForm().getByLabelText('Current password'), 'my password')
    await actor.click(screen.getByRole('button', { name: 'Save profile' }))

    await waitFor(() => expect(errorOf(email)).toBe('That email address is already in use'))
    expect(email.getAttribute('aria-invalid')).toBe('true')
    expect(email.value).toBe('bob@example.com')
    expect(errorOf(screen.getByLabelText('Display name'))).toBeUndefined()
    // The message sits at the field, not a second time above the form.
    expect(screen.getAllByRole('alert').map((alert) => alert.textContent)).toEqual(['That email address is already in use'])
    expect(statusText(/saved/)).toBeUndefined()
  })

  it("puts the server's field errors next to the fields they name, all at once, and focuses the first", async () => {
    const displayNameProblem = 'Display name must be 1 to 100 characters of visible text, with no control or invisible formatting characters.'
    const emailProblem = 'Email must be an email address like name@example.com.'
    profileApi({
      'PATCH /user/profile': () =>
        problem(422, 'validation_failed', 'The request is not valid', [
          { field: 'display_name', message: displayNameProblem },
          { field: 'email', message: emailProblem },
        ]),
    })
    const { actor } = renderProfile()

    const displayName = (await screen.findByLabelText('Display name')) as HTMLInputElement
    await actor.type(displayName, ' the Second')
    await actor.type(screen.getByLabelText('Email'), '.uk')
    await actor.type(detailsForm().getByLabelText('Current password'), 'my password')
    await actor.click(screen.getByRole('button', { name: 'Save profile' }))

    await waitFor(() => expect(errorOf(displayName)).toBe(displayNameProblem))
    expect(displayName.value).toBe('Alice the Second')
    expect(errorOf(screen.getByLabelText('Email'))).toBe(emailProblem)
    expect(document.activeElement).toBe(displayName)
    expect(screen.getAllByRole('alert')).toHaveLength(2)
  })

  it('names both problems at once before sending anything, and focuses the first', async () => {
    const { changes } = profileApi()
    const { actor } = renderProfile()

    const displayName = (await screen.findByLabelText('Display name')) as HTMLInputElement
    const email = screen.getByLabelText('Email') as HTMLInputElement
    await actor.clear(email)
    await actor.type(email, 'alice at example.com')
    await actor.type(displayName, ' \u202Eevil')
    await actor.click(screen.getByRole('button', { name: 'Save profile' }))

    expect(errorOf(displayName)).toBe('Display name must be 1 to 100 characters of visible text, with no control or invisible formatting characters.')
    expect(errorOf(email)).toBe('Email must be an email address like name@example.com.')
    expect(document.activeElement).toBe(displayName)
    expect(changes()).toEqual([])
  })
})

describe('ProfilePage: changing the email address', () => {
  it('shows whether the address is verified, and asks for the current password only while the email differs', async () => {
    profileApi()
    const { actor } = renderProfile()
    const email = (await screen.findByLabelText('Email')) as HTMLInputElement
    await waitFor(() => expect(descriptionsOf(email)).toEqual(['Verified. Leave it empty to remove it.']))
    expect(detailsForm().queryByLabelText('Current password')).toBeNull()

    await actor.type(email, 'x')
    const password = detailsForm().getByLabelText('Current password')
    expect(password.getAttribute('type')).toBe('password')
    expect(password.getAttribute('autocomplete')).toBe('current-password')
    expect(password.hasAttribute('required')).toBe(true)

    // Back to the address it was: nothing to prove.
    await actor.type(email, '{Backspace}')
    expect(detailsForm().queryByLabelText('Current password')).toBeNull()
    // Emptied: removing it needs the password too.
    await actor.clear(email)
    expect(detailsForm().getByLabelText('Current password')).toBeTruthy()
  })

  it('says "not verified" for an address not proven yet, and nothing of it when addresses are not proven', async () => {
    profileApi({ 'GET /user/profile': () => json({ ...alice, email_verified: false }) })
    const first = renderProfile()
    const email = await screen.findByLabelText('Email')
    await waitFor(() => expect(descriptionsOf(email)[0]).toMatch(/^Not verified/))
    first.queryClient.clear()
    cleanup()

    profileApi({
      'GET /user/profile': () => json({ ...alice, email_verified: false }),
      'GET /auth/password-policy': () => json({ min_length: 10, max_length: 64, product_name: 'Acme', email_verification: 'off' }),
    })
    renderProfile()
    await screen.findByText('At least 10 characters')
    expect(descriptionsOf(screen.getByLabelText('Email'))).toEqual(['Leave it empty to remove it.'])
  })

  it('names a missing current password before sending anything', async () => {
    const { changes } = profileApi()
    const { actor } = renderProfile()
    const email = (await screen.findByLabelText('Email')) as HTMLInputElement
    await actor.clear(email)
    await actor.type(email, 'alice@example.org')
    await actor.click(screen.getByRole('button', { name: 'Save profile' }))

    const password = detailsForm().getByLabelText('Current password')
    expect(errorOf(password)).toBe('Current password is required.')
    expect(document.activeElement).toBe(password)
    expect(changes()).toEqual([])
  })

  it('sends the current password with the new address and says where the link went', async () => {
    const { fetchMock } = profileApi({
      'PATCH /user/profile': () => json({ ...alice, pending_email: 'alice@example.org' }),
    })
    const { actor } = renderProfile()
    const email = (await screen.findByLabelText('Email')) as HTMLInputElement
    await actor.clear(email)
    await actor.type(email, ' alice@example.org ')
    await actor.type(detailsForm().getByLabelText('Current password'), 'my password')
    await actor.click(screen.getByRole('button', { name: 'Save profile' }))

    await waitFor(() =>
      expect(statusText(/saved/)).toBe('Your profile has been saved. We sent a link to alice@example.org; your address changes once you open it.'),
    )
    const patch = fetchMock.mock.calls.find(([, init]) => init?.method === 'PATCH')
    expect(sentBody(patch?.[1])).toEqual({ email: 'alice@example.org', current_password: 'my password' })
    // The address stays the old one until the link is opened; the form says what it waits for.
    expect(email.value).toBe('alice@example.com')
    expect(descriptionsOf(email)[0]).toBe('Verified. Changing to alice@example.org once that address is confirmed. Leave it empty to remove it.')
    expect(detailsForm().queryByLabelText('Current password')).toBeNull()
  })

  it('shows a wrong current password at its field', async () => {
    profileApi({
      'PATCH /user/profile': () =>
        problem(422, 'validation_failed', 'The request is not valid', [
          { field: 'current_password', message: 'Current password is not your current password.', code: 'wrong_password' },
        ]),
    })
    const { actor } = renderProfile()
    const email = (await screen.findByLabelText('Email')) as HTMLInputElement
    await actor.clear(email)
    await actor.type(email, 'alice@example.org')
    await actor.type(detailsForm().getByLabelText('Current password'), 'not it')
    await actor.click(screen.getByRole('button', { name: 'Save profile' }))

    const password = detailsForm().getByLabelText('Current password')
    await waitFor(() => expect(errorOf(password)).toBe('Current password is not your current password.'))
    expect(document.activeElement).toBe(password)
    expect(statusText(/saved/)).toBeUndefined()
  })

  it('saves a new address at once where addresses are not proven, without a word about links', async () => {
    profileApi({
      'GET /auth/password-policy': () => json({ min_length: 10, max_length: 64, product_name: 'Acme', email_verification: 'off' }),
      'PATCH /user/profile': () => json({ ...alice, email: 'alice@example.org', email_verified: false }),
    })
    const { actor } = renderProfile()
    const email = (await screen.findByLabelText('Email')) as HTMLInputElement
    await actor.clear(email)
    await actor.type(email, 'alice@example.org')
    await actor.type(detailsForm().getByLabelText('Current password'), 'my password')
    await actor.click(screen.getByRole('button', { name: 'Save profile' }))

    await waitFor(() => expect(statusText(/saved/)).toBe('Your profile has been saved.'))
    expect(email.value).toBe('alice@example.org')
  })
})

describe('ProfilePage: password', () => {
  it('keeps the button enabled, and on submit names every problem at once, with the server settings, focusing the first', async () => {
    const { changes } = profileApi()
    const { actor } = renderProfile()
    await screen.findByText('At least 10 characters')

    const submit = screen.getByRole('button', { name: 'Change password' }) as HTMLButtonElement
    expect(submit.disabled).toBe(false)
    await actor.click(submit)
    const current = screen.getByLabelText('Current password')
    const next = screen.getByLabelText('New password')
    expect(errorOf(current)).toBe('Current password is required.')
    expect(errorOf(next)).toBe('New password is required.')
    expect(document.activeElement).toBe(current)

    await actor.type(current, 'my old password')
    await actor.type(next, 'alice2024!')
    await actor.type(screen.getByLabelText('Confirm new password'), 'alice2024')
    await actor.click(submit)
    expect(errorOf(current)).toBeUndefined()
    expect(errorOf(next)).toBe('New password must not be built from your username, your email address or the name Acme.')
    expect(errorOf(screen.getByLabelText('Confirm new password'))).toBe('The confirmation does not match the password.')
    expect(document.activeElement).toBe(next)
    expect(changes()).toEqual([])
  })

  it('shows the server message at the current password when it is wrong', async () => {
    const { fetchMock } = profileApi({
      'POST /auth/password': () =>
        problem(422, 'validation_failed', 'The request is not valid', [
          { field: 'current_password', message: 'Current password is not your current password.' },
        ]),
    })
    const { actor } = renderProfile()
    await screen.findByText('At least 10 characters')

    await actor.type(screen.getByLabelText('Current password'), 'not my password')
    await actor.type(screen.getByLabelText('New password'), 'a much longer passphrase')
    await actor.type(screen.getByLabelText('Confirm new password'), 'a much longer passphrase')
    const rules = within(screen.getByRole('list', { name: 'Password rules' }))
    expect(rules.getAllByRole('listitem').every((rule) => rule.className === 'met')).toBe(true)
    await actor.click(screen.getByRole('button', { name: 'Change password' }))

    const current = screen.getByLabelText('Current password') as HTMLInputElement
    await waitFor(() => expect(errorOf(current)).toBe('Current password is not your current password.'))
    expect(current.getAttribute('aria-invalid')).toBe('true')
    expect(document.activeElement).toBe(current)
    expect(errorOf(screen.getByLabelText('New password'))).toBeUndefined()
    const call = fetchMock.mock.calls.find(([input]) => input === '/auth/password')
    expect(sentBody(call?.[1])).toEqual({ current_password: 'not my password', new_password: 'a much longer passphrase' })
    expect(statusText(/changed/)).toBeUndefined()
  })

  it('shows a strength meter for the new password', async () => {
    profileApi()
    const { actor } = renderProfile()
    await actor.type(screen.getByLabelText('New password'), 'qwertyuiop')
    const meter = await screen.findByRole('meter', { name: 'Strength:' }, { timeout: 5000 })
    expect(meter.getAttribute('aria-valuetext')).toBe('Very weak')
  })

  it('clears the form and says so when the password is changed', async () => {
    profileApi({ 'POST /auth/password': () => noContent() })
    const { actor } = renderProfile()
    await screen.findByText('At least 10 characters')

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
    const { changes } = profileApi()
    const { actor } = renderProfile()
    await screen.findByLabelText('Email')

    expect(screen.queryByRole('dialog')).toBeNull()
    await actor.click(screen.getByRole('button', { name: 'Sign out everywhere' }))
    const dialog = screen.getByRole('dialog', { name: 'Sign out everywhere?' })
    expect(within(dialog).getByRole('button', { name: 'Yes, sign out everywhere' })).toBeTruthy()

    await actor.click(within(dialog).getByRole('button', { name: 'Cancel' }))

    expect(screen.queryByRole('dialog')).toBeNull()
    expect(changes()).toEqual([])
    expect(sessionStore.get().status).toBe('signed-in')
    expect(screen.getByTestId('location').textContent).toBe('/profile')
  })

  it('ends every session, then this tab, and goes to the login page once confirmed', async () => {
    const { changes } = profileApi({
      'POST /auth/logout-all': () => noContent(),
      'POST /auth/logout': () => noContent(),
    })
    const { actor } = renderProfile()
    await screen.findByLabelText('Email')

    await actor.click(screen.getByRole('button', { name: 'Sign out everywhere' }))
    await actor.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Yes, sign out everywhere' }))

    await waitFor(() => expect(screen.getByTestId('location').textContent).toBe('/login'))
    expect(changes()).toEqual(['POST /auth/logout-all', 'POST /auth/logout'])
    expect(sessionStore.get()).toEqual({ status: 'anonymous', reason: 'signed_out' })
  })

  it('stays signed in and says why when the server cannot sign out everywhere', async () => {
    profileApi({
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

describe('ProfilePage: two-step verification', () => {
  const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DP'
  const URI = `otpauth://totp/Portcullis:alice?secret=${SECRET}&issuer=Portcullis`
  const CODES = Array.from({ length: 10 }, (_, index) => `code-${index}abc-defg`)
  const NEW_CODES = Array.from({ length: 10 }, (_, index) => `new${index}-hjkm-npqr`)

  /** The server's second factor for this test: the routes change it as the real one would. */
  function secondFactorApi(start: MfaStatus, routes: (state: MfaStatus) => Record<string, Answer> = () => ({})) {
    const state = { ...start }
    const api = profileApi({ 'GET /auth/mfa': () => json(state), ...routes(state) })
    return { ...api, state, statusReads: () => api.calls.filter((call) => call === 'GET /auth/mfa').length }
  }

  function section() {
    return within(screen.getByRole('region', { name: 'Two-step verification' }))
  }

  /** jsdom's Blob has no text(): read it the older way. */
  function textOf(blob: Blob): Promise<string> {
    return new Promise((resolve) => {
      const reader = new FileReader()
      reader.onload = () => resolve(String(reader.result))
      reader.readAsText(blob)
    })
  }

  it('sets up an app: QR code and key, the first code turns it on, the recovery codes are shown once', async () => {
    const api = secondFactorApi({ totp: false, passkeys: 0, recovery_codes_left: 0 }, (state) => ({
      'POST /auth/mfa/totp/setup': () => json({ secret: SECRET, otpauth_uri: URI }),
      'POST /auth/mfa/totp/confirm': (init) => {
        if ((sentBody(init) as { code: string }).code !== '123456') return problem(401, 'invalid_code', 'That code is not right; try again')
        Object.assign(state, { totp: true, passkeys: 0, recovery_codes_left: 10 })
        return json({ recovery_codes: CODES })
      },
    }))
    const createObjectURL = vi.fn((_blob: Blob) => 'blob:recovery-codes')
    // jsdom has no object URLs: a URL with them, for this test only.
    vi.stubGlobal(
      'URL',
      class extends URL {
        static override createObjectURL = createObjectURL
        static override revokeObjectURL = vi.fn()
      },
    )
    const clicked: HTMLAnchorElement[] = []
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push(this)
    })
    const { actor } = renderProfile()

    await actor.click(await section().findByRole('button', { name: 'Set up an authenticator app' }))
    const qr = (await section().findByRole('img', { name: 'QR code for your authenticator app' })) as HTMLImageElement
    expect(qr.src.startsWith('data:image/svg+xml')).toBe(true)
    expect(decodeURIComponent(qr.src)).toContain('<svg')
    expect(section().getByText(/^Or type this key:/).textContent).toBe('Or type this key: JBSW Y3DP EHPK 3PXP JBSW Y3DP')

    const code = section().getByLabelText('Code from the app')
    await actor.type(code, '000000')
    await actor.click(section().getByRole('button', { name: 'Turn on' }))
    await waitFor(() => expect(errorOf(code)).toBe('That code is not right; try again'))
    expect(section().queryByRole('heading', { name: 'Save your recovery codes' })).toBeNull()

    await actor.clear(code)
    await actor.type(code, '123456')
    const readsBefore = api.statusReads()
    await actor.click(section().getByRole('button', { name: 'Turn on' }))

    const heading = await section().findByRole('heading', { name: 'Save your recovery codes' })
    expect(document.activeElement).toBe(heading)
    const list = section().getByRole('list', { name: 'Recovery codes' })
    expect(
      within(list)
        .getAllByRole('listitem')
        .map((item) => item.textContent),
    ).toEqual(CODES)
    expect(section().queryByLabelText('Code from the app')).toBeNull()
    expect(api.statusReads()).toBeGreaterThan(readsBefore)

    await actor.click(section().getByRole('button', { name: 'Copy codes' }))
    await waitFor(() => expect(statusText(/copied/)).toBe('The codes have been copied.'))
    // user-event's stand-in for the clipboard holds what was written.
    expect(await navigator.clipboard.readText()).toBe(CODES.join('\n'))

    await actor.click(section().getByRole('button', { name: 'Download' }))
    expect(click).toHaveBeenCalledTimes(1)
    expect(clicked[0]?.download).toBe('portcullis-recovery-codes.txt')
    expect(clicked[0]?.href).toBe('blob:recovery-codes')
    const blob = createObjectURL.mock.calls[0]?.[0] as Blob
    expect(await textOf(blob)).toBe(`${CODES.join('\n')}\n`)

    await actor.click(section().getByRole('button', { name: 'I have saved them' }))
    expect(section().queryByRole('list', { name: 'Recovery codes' })).toBeNull()
    expect(screen.queryByText(CODES[0] as string)).toBeNull()
    expect(section().getByText(/^On:/).textContent).toBe('On: your authenticator app is required at sign-in. 10 recovery codes left.')
    expect(sentBody(api.fetchMock.mock.calls.find(([input]) => input === '/auth/mfa/totp/setup')?.[1])).toEqual({})
    const confirms = api.fetchMock.mock.calls.filter(([input]) => input === '/auth/mfa/totp/confirm').map(([, init]) => sentBody(init))
    expect(confirms).toEqual([{ code: '000000' }, { code: '123456' }])
    click.mockRestore()
  })
  it('makes new recovery codes after asking, and shows the new set once', async () => {
    const api = secondFactorApi({ totp: true, passkeys: 0, recovery_codes_left: 3 }, (state) => ({
      'POST /auth/mfa/recovery-codes': () => {
        state.recovery_codes_left = 10
        return json({ recovery_codes: NEW_CODES })
      },
    }))
    const { actor } = renderProfile()

    expect((await section().findByText(/^On:/)).textContent).toBe('On: your authenticator app is required at sign-in. 3 recovery codes left.')
    await actor.click(section().getByRole('button', { name: 'New recovery codes' }))
    const dialog = screen.getByRole('dialog', { name: 'Make new recovery codes?' })
    await actor.click(within(dialog).getByRole('button', { name: 'Cancel' }))
    expect(screen.queryByRole('dialog')).toBeNull()
    expect(api.changes()).toEqual([])

    await actor.click(section().getByRole('button', { name: 'New recovery codes' }))
    await actor.click(within(screen.getByRole('dialog', { name: 'Make new recovery codes?' })).getByRole('button', { name: 'Make new codes' }))

    const list = await section().findByRole('list', { name: 'Recovery codes' })
    expect(
      within(list)
        .getAllByRole('listitem')
        .map((item) => item.textContent),
    ).toEqual(NEW_CODES)
    expect(section().getByRole('heading', { name: 'Save your recovery codes' })).toBeTruthy()
    expect(api.changes()).toEqual(['POST /auth/mfa/recovery-codes'])
    expect(sentBody(api.callsTo('POST', '/auth/mfa/recovery-codes')[0]?.[1])).toEqual({})

    await actor.click(section().getByRole('button', { name: 'I have saved them' }))
    expect(section().getByText(/^On:/).textContent).toBe('On: your authenticator app is required at sign-in. 10 recovery codes left.')
    expect(screen.queryByText(NEW_CODES[0] as string)).toBeNull()
  })

  it('turns the app off with a code, showing a wrong one at its field', async () => {
    let attempts = 0
    const api = secondFactorApi({ totp: true, passkeys: 0, recovery_codes_left: 10 }, (state) => ({
      'DELETE /auth/mfa/totp': () => {
        if (++attempts === 1) return problem(401, 'invalid_code', 'That code is not right; try again')
        Object.assign(state, { totp: false, passkeys: 0, recovery_codes_left: 0 })
        return noContent()
      },
    }))
    const { actor } = renderProfile()

    await actor.click(await section().findByRole('button', { name: 'Turn off' }))
    const code = section().getByLabelText('Code from the app')
    await actor.type(code, '111111')
    await actor.click(section().getByRole('button', { name: 'Turn off two-step verification' }))
    await waitFor(() => expect(errorOf(code)).toBe('That code is not right; try again'))

    await actor.clear(code)
    await actor.type(code, '222222')
    await actor.click(section().getByRole('button', { name: 'Turn off two-step verification' }))

    expect(await section().findByRole('button', { name: 'Set up an authenticator app' })).toBeTruthy()
    expect(statusText(/is off/)).toBe('Two-step verification is off. Your recovery codes no longer work.')
    expect(section().queryByText(/^On:/)).toBeNull()
    expect(api.callsTo('DELETE', '/auth/mfa/totp').map(([, init]) => sentBody(init))).toEqual([{ code: '111111' }, { code: '222222' }])
  })

  it('turns the app off with the password instead, showing a wrong one at its field', async () => {
    const api = secondFactorApi({ totp: true, passkeys: 0, recovery_codes_left: 10 }, () => ({
      'DELETE /auth/mfa/totp': () =>
        problem(422, 'validation_failed', 'The request is not valid', [
          { field: 'password', message: 'Password is not your current password.', code: 'wrong_password' },
        ]),
    }))
    const { actor } = renderProfile()

    await actor.click(await section().findByRole('button', { name: 'Turn off' }))
    await actor.click(section().getByRole('button', { name: 'Use your password instead' }))
    expect(section().queryByLabelText('Code from the app')).toBeNull()
    const password = section().getByLabelText('Password')
    expect(password.getAttribute('type')).toBe('password')
    await actor.type(password, 'my password')
    await actor.click(section().getByRole('button', { name: 'Turn off two-step verification' }))

    await waitFor(() => expect(errorOf(password)).toBe('Password is not your current password.'))
    expect(document.activeElement).toBe(password)
    expect(api.callsTo('DELETE', '/auth/mfa/totp').map(([, init]) => sentBody(init))).toEqual([{ password: 'my password' }])

    await actor.click(section().getByRole('button', { name: 'Cancel' }))
    expect(section().getByText(/^On:/).textContent).toBe('On: your authenticator app is required at sign-in. 10 recovery codes left.')
  })
})
