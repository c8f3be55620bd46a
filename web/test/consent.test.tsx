// The consent page (/consent/:uid) an app's "Sign in with Portcullis" sends the browser to: who asks for what, Allow and
// Deny, a fresh sign-in through the one re-authentication prompt when the app asked for one, and a request that is over.
// fetch is stubbed, and so is the browser's navigation back to the app, which jsdom cannot do.
import type { InteractionDetails } from '@portcullis/shared/api/oidc'
import { json, problem, sentBody, stubFetch } from '@portcullis/testkit/fetch-stub'
import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { render, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { MemoryRouter, Route, Routes, useLocation } from 'react-router'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ReauthPrompt } from '../src/app/ReauthPrompt.tsx'
import { ConsentPage } from '../src/features/consent/routes/index.ts'
import { cancelReauthentication } from '../src/lib/reauth.ts'
import { sessionStore } from '../src/lib/session/session-store.ts'
import { testUser } from './users.ts'

const alice = testUser()

const UID = 'uid-0123456789'
const DETAILS_URL = `GET /oidc/interaction/${UID}/details`
const CONSENT_URL = `POST /oidc/interaction/${UID}/consent`
const LOGIN_URL = `POST /oidc/interaction/${UID}/login`
const BACK_TO_NOTES = 'https://notes.example/callback?code=abc&state=xyz'
const DENIED = 'https://notes.example/callback?error=access_denied&state=xyz'

const consentDetails: InteractionDetails = {
  uid: UID,
  prompt: 'consent',
  client: { client_id: 'notes-client', name: 'Notes' },
  scopes: ['openid', 'profile', 'email', 'offline_access', 'calendar:read'],
  username: 'alice',
}
const loginDetails: InteractionDetails = { ...consentDetails, prompt: 'login', scopes: [] }

function bearerOf(init: RequestInit | undefined): string | undefined {
  return (init?.headers as Record<string, string> | undefined)?.authorization
}

/** A promise the test settles, to look at the page while a request is on its way. */
function deferred<T>() {
  let resolve: (value: T) => void = () => {}
  const promise = new Promise<T>((done) => {
    resolve = done
  })
  return { promise, resolve }
}

function Address() {
  const location = useLocation()
  return <output data-testid="address">{`${location.pathname}${location.search}`}</output>
}

function renderConsent() {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } })
  render(
    <QueryClientProvider client={queryClient}>
      <MemoryRouter initialEntries={[`/consent/${UID}`]}>
        <Routes>
          <Route path="/consent/:uid" element={<ConsentPage />} />
          <Route path="/login" element={<Address />} />
        </Routes>
        <ReauthPrompt />
      </MemoryRouter>
    </QueryClientProvider>,
  )
  return userEvent.setup()
}

let navigation: { assign: ReturnType<typeof vi.fn> }

beforeEach(() => {
  sessionStore.set({ status: 'signed-in', accessToken: 'token-of-alice', user: alice, expiresAt: Date.now() + 600_000 })
  vi.stubGlobal('BroadcastChannel', undefined)
  navigation = { assign: vi.fn() }
  vi.stubGlobal('location', { ...window.location, ...navigation })
})

afterEach(() => {
  cancelReauthentication()
  vi.unstubAllGlobals()
})

describe('ConsentPage: an app asks to use the account', () => {
  it('says who asks, as whom, and what it will see; Allow sends the decision, the buttons wait, then the browser goes back to the app', async () => {
    const answer = deferred<Response>()
    const api = stubFetch({ [DETAILS_URL]: () => json(consentDetails), [CONSENT_URL]: () => answer.promise })
    const actor = renderConsent()

    const heading = await screen.findByRole('heading', { level: 1, name: 'Notes wants to use your Portcullis account' })
    expect(document.activeElement).toBe(heading)
    expect(document.title).toBe('Sign in with Portcullis · Portcullis')
    expect(screen.getByText('Signed in as').textContent).toBe('Signed in as alice')
    const seen = within(screen.getByRole('list', { name: 'What Notes will see' }))
      .getAllByRole('listitem')
      .map((item) => item.textContent)
    expect(seen).toEqual(['Your account ID', 'Your username and display name', 'Your email address', 'Stay signed in while you are away', 'calendar:read'])
    expect(bearerOf(api.callsTo('GET', `/oidc/interaction/${UID}/details`)[0]?.[1])).toBe('Bearer token-of-alice')

    await actor.click(screen.getByRole('button', { name: 'Allow' }))
    await waitFor(() => expect(api.calls).toContain(CONSENT_URL))
    expect((screen.getByRole('button', { name: 'Allow' }) as HTMLButtonElement).disabled).toBe(true)
    expect((screen.getByRole('button', { name: 'Deny' }) as HTMLButtonElement).disabled).toBe(true)
    const sent = api.callsTo('POST', `/oidc/interaction/${UID}/consent`)[0]?.[1]
    expect(sentBody(sent)).toEqual({ decision: 'allow' })
    expect(bearerOf(sent)).toBe('Bearer token-of-alice')
    expect(sent?.credentials).toBe('same-origin')

    answer.resolve(json({ redirect_to: BACK_TO_NOTES }))
    await waitFor(() => expect(navigation.assign).toHaveBeenCalledWith(BACK_TO_NOTES))
    expect(screen.getByText('Taking you back to Notes…')).toBeTruthy()
    expect((screen.getByRole('button', { name: 'Allow' }) as HTMLButtonElement).disabled).toBe(true)
    expect(api.calls).toEqual([DETAILS_URL, CONSENT_URL])
  })

  it('Deny sends the refusal and goes back to the app, which is told access_denied', async () => {
    const api = stubFetch({ [DETAILS_URL]: () => json(consentDetails), [CONSENT_URL]: () => json({ redirect_to: DENIED }) })
    const actor = renderConsent()
    await actor.click(await screen.findByRole('button', { name: 'Deny' }))
    await waitFor(() => expect(navigation.assign).toHaveBeenCalledWith(DENIED))
    expect(sentBody(api.callsTo('POST', `/oidc/interaction/${UID}/consent`)[0]?.[1])).toEqual({ decision: 'deny' })
  })

  it('is answered from the keyboard: Tab reaches Allow, Enter sends it', async () => {
    stubFetch({ [DETAILS_URL]: () => json(consentDetails), [CONSENT_URL]: () => json({ redirect_to: BACK_TO_NOTES }) })
    const actor = renderConsent()
    await screen.findByRole('button', { name: 'Allow' })
    await actor.tab()
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Allow' }))
    await actor.keyboard('{Enter}')
    await waitFor(() => expect(navigation.assign).toHaveBeenCalledWith(BACK_TO_NOTES))
  })

  it('shows another refusal of the decision as an error and lets the user try again', async () => {
    let attempts = 0
    stubFetch({
      [DETAILS_URL]: () => json(consentDetails),
      [CONSENT_URL]: () =>
        ++attempts === 1 ? problem(503, 'service_unavailable', 'The service is briefly unavailable; try again') : json({ redirect_to: BACK_TO_NOTES }),
    })
    const actor = renderConsent()
    await actor.click(await screen.findByRole('button', { name: 'Allow' }))
    expect((await screen.findByRole('alert')).textContent).toBe('The service is briefly unavailable; try again')
    expect(navigation.assign).not.toHaveBeenCalled()
    const allow = screen.getByRole('button', { name: 'Allow' }) as HTMLButtonElement
    expect(allow.disabled).toBe(false)
    await actor.click(allow)
    await waitFor(() => expect(navigation.assign).toHaveBeenCalledWith(BACK_TO_NOTES))
  })
})

describe('ConsentPage: the app asked for a fresh sign-in', () => {
  const mfa = { 'GET /auth/mfa': () => json({ totp: false, passkeys: 0, recovery_codes_left: 0 }) }
  const reauthenticated = () => json({ access_token: 'fresh-token', token_type: 'Bearer', expires_in: 600, user: alice })

  it('asks the user to confirm it is them in the re-authentication prompt, then tells the provider with the new token', async () => {
    const api = stubFetch({
      [DETAILS_URL]: () => json(loginDetails),
      ...mfa,
      'POST /auth/reauthenticate': reauthenticated,
      [LOGIN_URL]: () => json({ redirect_to: BACK_TO_NOTES }),
    })
    const actor = renderConsent()

    expect(await screen.findByRole('heading', { level: 1, name: 'Notes asks you to confirm it is you' })).toBeTruthy()
    expect(screen.getByText('Signed in as').textContent).toBe('Signed in as alice')
    expect(screen.queryByRole('button', { name: 'Allow' })).toBeNull()

    await actor.click(screen.getByRole('button', { name: "Confirm it's you" }))
    const dialog = within(await screen.findByRole('dialog', { name: "Confirm it's you" }))
    expect(api.calls).not.toContain(LOGIN_URL)
    await actor.type(dialog.getByLabelText('Password'), 'correct horse battery staple')
    await actor.click(dialog.getByRole('button', { name: 'Confirm' }))

    await waitFor(() => expect(navigation.assign).toHaveBeenCalledWith(BACK_TO_NOTES))
    expect(screen.queryByRole('dialog')).toBeNull()
    expect(sentBody(api.callsTo('POST', '/auth/reauthenticate')[0]?.[1])).toEqual({ password: 'correct horse battery staple' })
    const login = api.callsTo('POST', `/oidc/interaction/${UID}/login`)
    expect(login).toHaveLength(1)
    expect(bearerOf(login[0]?.[1])).toBe('Bearer fresh-token')
    expect(login[0]?.[1]?.body).toBeUndefined()
  })

  it('closing the prompt says the app was not signed in to, and tells the provider nothing', async () => {
    const api = stubFetch({ [DETAILS_URL]: () => json(loginDetails), ...mfa })
    const actor = renderConsent()
    await actor.click(await screen.findByRole('button', { name: "Confirm it's you" }))
    const dialog = within(await screen.findByRole('dialog', { name: "Confirm it's you" }))
    await actor.click(dialog.getByRole('button', { name: 'Cancel' }))

    expect((await screen.findByRole('alert')).textContent).toBe('You did not confirm it is you, so you are not signed in to Notes.')
    expect((screen.getByRole('button', { name: "Confirm it's you" }) as HTMLButtonElement).disabled).toBe(false)
    expect(api.calls).not.toContain(LOGIN_URL)
    expect(navigation.assign).not.toHaveBeenCalled()
  })
})

describe('ConsentPage: a request that is over, or a visitor not signed in', () => {
  it('says an unknown request expired or was used, and to go back to the app', async () => {
    stubFetch({ [DETAILS_URL]: () => problem(404, 'interaction_not_found', 'No such sign-in request') })
    renderConsent()
    expect((await screen.findByRole('alert')).textContent).toBe('This sign-in request has expired or was already used. Go back to the app and sign in again.')
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Sign in with Portcullis')
    expect(screen.queryByRole('button')).toBeNull()
  })

  it('names the app when the request ends while the user decides', async () => {
    stubFetch({ [DETAILS_URL]: () => json(consentDetails), [CONSENT_URL]: () => problem(404, 'interaction_not_found', 'No such sign-in request') })
    const actor = renderConsent()
    await actor.click(await screen.findByRole('button', { name: 'Allow' }))
    expect((await screen.findByRole('alert')).textContent).toBe('This sign-in request has expired or was already used. Go back to Notes and sign in again.')
    expect(screen.queryByRole('button', { name: 'Allow' })).toBeNull()
    expect(navigation.assign).not.toHaveBeenCalled()
  })

  it('shows any other problem with the request, with a way to ask again', async () => {
    let attempts = 0
    stubFetch({ [DETAILS_URL]: () => (++attempts === 1 ? problem(422, 'validation_failed', 'uid is not a sign-in request of ours') : json(consentDetails)) })
    const actor = renderConsent()
    expect((await screen.findByRole('alert')).textContent).toBe('uid is not a sign-in request of ours')
    await actor.click(screen.getByRole('button', { name: 'Try again' }))
    expect(await screen.findByRole('heading', { level: 1, name: 'Notes wants to use your Portcullis account' })).toBeTruthy()
  })

  it('sends a visitor who is not signed in to the login page, to come back here', async () => {
    sessionStore.set({ status: 'anonymous' })
    const api = stubFetch({})
    renderConsent()
    expect((await screen.findByTestId('address')).textContent).toBe(`/login?next=/consent/${UID}`)
    expect(api.calls).toEqual([])
  })
})
