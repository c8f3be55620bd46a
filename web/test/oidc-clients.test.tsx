// The admin console's apps (OpenID Connect clients) against a stubbed API: the list, registering an app (its secret shown
// once with copy buttons, then forgotten), the form's own checks and the server's refusals at their fields, editing,
// disabling and enabling after a confirmation, a new secret after a confirmation, the way there from the admin page, and an
// admin without a second factor sent to set one up.
import type { UserBody } from '@portcullis/shared/api/common'
import type { OidcClientBody, OidcClientListResponse } from '@portcullis/shared/api/oidc-clients'
import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { render, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { MemoryRouter, Route, Routes, useLocation } from 'react-router'
import { json, problem } from '@portcullis/testkit/fetch-stub'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { AdminPage, AppsPage } from '../src/features/admin/routes/index.ts'
import { sessionStore } from '../src/lib/session/session-store.ts'

const root: UserBody = {
  id: 'u-root',
  username: 'root',
  email: 'root@example.test',
  email_verified: true,
  pending_email: null,
  display_name: null,
  role: 'admin',
  status: 'active',
  created_at: '2025-01-02T10:00:00.000Z',
  last_login_at: null,
}

const wiki: OidcClientBody = {
  client_id: 'wiki-client-id-0000000',
  name: 'Wiki',
  redirect_uris: ['https://wiki.example/cb', 'http://localhost:3000/cb'],
  public: false,
  first_party: false,
  created_at: '2025-03-01T12:00:00.000Z',
  disabled_at: null,
}
const spa: OidcClientBody = {
  client_id: 'spa-client-id-00000000',
  name: 'Console SPA',
  redirect_uris: ['http://localhost:5173/cb'],
  public: true,
  first_party: true,
  created_at: '2025-03-02T12:00:00.000Z',
  disabled_at: '2025-03-03T12:00:00.000Z',
}
const SECRET = 'the-secret-shown-once-0123456789abcdefghij'
const NEW_SECRET = 'a-new-secret-shown-once-0123456789abcdefg'

interface Call {
  method: string
  path: string
  body: unknown
}

let calls: Call[] = []

function defaultAnswer(call: Call): Response {
  if (call.method === 'GET' && call.path === '/admin/oidc-clients') return json({ clients: [spa, wiki] } satisfies OidcClientListResponse)
  if (call.method === 'POST' && call.path === '/admin/oidc-clients') {
    const request = call.body as { name: string; redirect_uris: string[]; public: boolean; first_party: boolean }
    const client: OidcClientBody = { ...wiki, client_id: 'new-client-id-00000000', ...request, created_at: wiki.created_at, disabled_at: null }
    return json({ client, client_secret: request.public ? null : SECRET }, 201)
  }
  if (call.method === 'PATCH' && call.path === `/admin/oidc-clients/${wiki.client_id}`) {
    const change = call.body as { disabled?: boolean }
    return json({ ...wiki, ...(call.body as object), disabled_at: change.disabled ? '2025-03-04T12:00:00.000Z' : null })
  }
  if (call.method === 'PATCH' && call.path === `/admin/oidc-clients/${spa.client_id}`) return json({ ...spa, disabled_at: null })
  if (call.method === 'POST' && call.path === `/admin/oidc-clients/${wiki.client_id}/secret`) return json({ client: wiki, client_secret: NEW_SECRET })
  return problem(404, 'not_found', 'Nothing is here')
}

/** Every fetch is recorded; `answer` may answer a call itself, the rest get the default answers above. */
function stubApi(answer?: (call: Call) => Response | undefined): void {
  calls = []
  vi.stubGlobal(
    'fetch',
    vi.fn(async (input: string | URL | Request, init?: RequestInit) => {
      const url = new URL(String(input), 'http://localhost')
      const call: Call = { method: init?.method ?? 'GET', path: url.pathname, body: init?.body ? JSON.parse(String(init.body)) : undefined }
      calls.push(call)
      return answer?.(call) ?? defaultAnswer(call)
    }),
  )
}

function changes(): Call[] {
  return calls.filter((call) => call.method !== 'GET')
}

function Address() {
  const location = useLocation()
  return <output data-testid="address">{location.pathname}</output>
}

function renderAt(path: string) {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } })
  return render(
    <QueryClientProvider client={queryClient}>
      <MemoryRouter initialEntries={[path]}>
        <Routes>
          <Route path="/admin" element={<AdminPage />} />
          <Route path="/admin/apps" element={<AppsPage />} />
        </Routes>
        <Address />
      </MemoryRouter>
    </QueryClientProvider>,
  )
}

/** The row of an app, by its name. */
async function row(name: string) {
  const header = await screen.findByRole('rowheader', { name })
  const tr = header.closest('tr')
  if (!tr) throw new Error(`no row for ${name}`)
  return within(tr)
}

function registerForm() {
  return within(screen.getByRole('form', { name: 'Register an app' }))
}

beforeEach(() => {
  sessionStore.set({ status: 'signed-in', accessToken: 't', user: root, expiresAt: Date.now() + 600_000 })
  stubApi()
})

afterEach(() => {
  vi.unstubAllGlobals()
  sessionStore.set({ status: 'anonymous' })
})

describe('apps page', () => {
  it('lists every app: name, client id, type, first-party, redirect URIs and status', async () => {
    renderAt('/admin/apps')
    expect(document.activeElement).toBe(await screen.findByRole('heading', { level: 1, name: 'Apps' }))
    expect(document.title).toBe('Apps · Admin · Portcullis')
    const wikiRow = await row('Wiki')
    expect(wikiRow.getByText(wiki.client_id)).toBeTruthy()
    expect(wikiRow.getByText('confidential')).toBeTruthy()
    expect(wikiRow.getByText('no')).toBeTruthy()
    expect(wikiRow.getByText('https://wiki.example/cb')).toBeTruthy()
    expect(wikiRow.getByText('http://localhost:3000/cb')).toBeTruthy()
    expect(wikiRow.getByText('enabled')).toBeTruthy()
    expect(wikiRow.getByRole('button', { name: 'Disable (Wiki)' })).toBeTruthy()
    expect(wikiRow.getByRole('button', { name: 'New secret (Wiki)' })).toBeTruthy()
    const spaRow = await row('Console SPA')
    expect(spaRow.getByText('public')).toBeTruthy()
    expect(spaRow.getByText('yes')).toBeTruthy()
    expect(spaRow.getByText('disabled')).toBeTruthy()
    expect(spaRow.getByRole('button', { name: 'Enable (Console SPA)' })).toBeTruthy()
    expect(spaRow.queryByRole('button', { name: /New secret/ }), 'a public app has no secret to renew').toBeNull()
  })

  it('is reached from the admin page', async () => {
    const person = userEvent.setup()
    // The admin page's own requests are answered 404: only its navigation matters here.
    renderAt('/admin')
    await person.click(within(screen.getByRole('navigation', { name: 'Administration' })).getByRole('link', { name: 'Apps' }))
    expect(screen.getByTestId('address').textContent).toBe('/admin/apps')
    expect(await screen.findByRole('heading', { level: 1, name: 'Apps' })).toBeTruthy()
  })

  it('registers a confidential app and shows its client id and secret once, with copy buttons, then forgets the secret', async () => {
    const person = userEvent.setup()
    renderAt('/admin/apps')
    await row('Wiki')
    const form = registerForm()
    await person.type(form.getByRole('textbox', { name: 'Name' }), '  Billing ')
    await person.type(form.getByRole('textbox', { name: 'Redirect URIs' }), 'https://billing.example/cb{Enter}{Enter} http://localhost:4000/cb ')
    await person.click(form.getByRole('checkbox', { name: 'First-party' }))
    await person.click(form.getByRole('button', { name: 'Register app' }))

    const notice = within(await screen.findByRole('region', { name: 'Billing is registered' }))
    expect(changes()).toEqual([
      {
        method: 'POST',
        path: '/admin/oidc-clients',
        body: { name: 'Billing', redirect_uris: ['https://billing.example/cb', 'http://localhost:4000/cb'], public: false, first_party: true },
      },
    ])
    expect(notice.getByText('new-client-id-00000000')).toBeTruthy()
    expect(notice.getByText(SECRET)).toBeTruthy()
    expect(notice.getByText(/you will not see this secret again/)).toBeTruthy()
    expect(document.activeElement).toBe(notice.getByRole('heading', { name: 'Billing is registered' }))
    await person.click(notice.getByRole('button', { name: 'Copy secret' }))
    expect(await navigator.clipboard.readText()).toBe(SECRET)
    expect(notice.getByRole('status').textContent).toBe('The secret has been copied.')
    await person.click(notice.getByRole('button', { name: 'Copy client ID' }))
    expect(await navigator.clipboard.readText()).toBe('new-client-id-00000000')

    await person.click(notice.getByRole('button', { name: 'I have saved the secret' }))
    expect(screen.queryByText(SECRET), 'the secret is gone from the page').toBeNull()
    expect(registerForm().getByRole('button', { name: 'Register app' })).toBeTruthy()
  })

  it('registers a public app, which has no secret to show', async () => {
    const person = userEvent.setup()
    renderAt('/admin/apps')
    await row('Wiki')
    const form = registerForm()
    await person.type(form.getByRole('textbox', { name: 'Name' }), 'Mobile')
    await person.type(form.getByRole('textbox', { name: 'Redirect URIs' }), 'http://localhost:8100/cb')
    await person.click(form.getByRole('checkbox', { name: 'Public' }))
    await person.click(form.getByRole('button', { name: 'Register app' }))
    const notice = within(await screen.findByRole('region', { name: 'Mobile is registered' }))
    expect(changes()[0]?.body).toMatchObject({ public: true })
    expect(notice.queryByText(/Client secret/)).toBeNull()
    expect(notice.getByText(/A public app has no secret/)).toBeTruthy()
    expect(notice.queryByRole('button', { name: 'Copy secret' })).toBeNull()
  })

  it('says what is missing at each field before sending anything', async () => {
    const person = userEvent.setup()
    renderAt('/admin/apps')
    await row('Wiki')
    const form = registerForm()
    await person.type(form.getByRole('textbox', { name: 'Redirect URIs' }), '   {Enter}  ')
    await person.click(form.getByRole('button', { name: 'Register app' }))
    const name = form.getByRole('textbox', { name: 'Name' })
    expect(name.getAttribute('aria-invalid')).toBe('true')
    expect(form.getByText('Name is required.')).toBeTruthy()
    expect(form.getByText('At least one redirect URI is needed.')).toBeTruthy()
    expect(form.getByRole('textbox', { name: 'Redirect URIs' }).getAttribute('aria-invalid')).toBe('true')
    expect(document.activeElement).toBe(name)
    expect(changes()).toEqual([])
  })

  it("shows the server's refusals at their fields: a redirect URI named, a taken name", async () => {
    const person = userEvent.setup()
    const wrongUri = 'Redirect URI "ftp://files.example/cb" is not http(s).'
    let answer = problem(422, 'validation_failed', wrongUri, [{ field: 'redirect_uris', message: wrongUri, code: 'not_http' }])
    stubApi((call) => (call.method === 'POST' ? answer : undefined))
    renderAt('/admin/apps')
    await row('Wiki')
    const form = registerForm()
    await person.type(form.getByRole('textbox', { name: 'Name' }), 'Files')
    await person.type(form.getByRole('textbox', { name: 'Redirect URIs' }), 'ftp://files.example/cb')
    await person.click(form.getByRole('button', { name: 'Register app' }))
    const uris = form.getByRole('textbox', { name: 'Redirect URIs' })
    await waitFor(() => expect(uris.getAttribute('aria-invalid')).toBe('true'))
    expect(form.getByText(wrongUri)).toBeTruthy()
    expect(document.activeElement).toBe(uris)

    answer = problem(409, 'oidc_client_name_taken', 'Another app already has that name: choose another')
    await person.clear(uris)
    await person.type(uris, 'https://files.example/cb')
    await person.click(form.getByRole('button', { name: 'Register app' }))
    const name = form.getByRole('textbox', { name: 'Name' })
    await waitFor(() => expect(name.getAttribute('aria-invalid')).toBe('true'))
    expect(form.getByText('Another app already has that name: choose another')).toBeTruthy()
    expect(screen.queryByRole('region', { name: /is registered/ })).toBeNull()
  })

  it('edits an app under its row: its name, redirect URIs and first-party mark', async () => {
    const person = userEvent.setup()
    renderAt('/admin/apps')
    const wikiRow = await row('Wiki')
    const edit = wikiRow.getByRole('button', { name: 'Edit (Wiki)' })
    await person.click(edit)
    expect(edit.getAttribute('aria-expanded')).toBe('true')
    const form = within(screen.getByRole('form', { name: 'Edit Wiki' }))
    const name = form.getByRole('textbox', { name: 'Name' }) as HTMLInputElement
    expect(name.value).toBe('Wiki')
    const uris = form.getByRole('textbox', { name: 'Redirect URIs' }) as HTMLTextAreaElement
    expect(uris.value).toBe('https://wiki.example/cb\nhttp://localhost:3000/cb')
    expect(form.queryByRole('checkbox', { name: 'Public' }), 'public or not is chosen once').toBeNull()
    await person.clear(name)
    await person.type(name, 'Team Wiki')
    await person.clear(uris)
    await person.type(uris, 'https://wiki.example/callback')
    await person.click(form.getByRole('checkbox', { name: 'First-party' }))
    await person.click(form.getByRole('button', { name: 'Save changes' }))
    await waitFor(() => expect(screen.queryByRole('form', { name: 'Edit Wiki' })).toBeNull())
    expect(changes()).toEqual([
      {
        method: 'PATCH',
        path: `/admin/oidc-clients/${wiki.client_id}`,
        body: { name: 'Team Wiki', redirect_uris: ['https://wiki.example/callback'], first_party: true },
      },
    ])
    expect(await screen.findByText('Team Wiki is saved.')).toBeTruthy()
  })

  it('disables an app only once confirmed, saying that its users are signed out', async () => {
    const person = userEvent.setup()
    renderAt('/admin/apps')
    const wikiRow = await row('Wiki')
    await person.click(wikiRow.getByRole('button', { name: 'Disable (Wiki)' }))
    const dialog = screen.getByRole('dialog', { name: 'Disable Wiki?' })
    expect(dialog.textContent).toContain('signed out of it at once')
    await person.click(within(dialog).getByRole('button', { name: 'Cancel' }))
    expect(screen.queryByRole('dialog')).toBeNull()
    expect(changes()).toEqual([])

    await person.click(wikiRow.getByRole('button', { name: 'Disable (Wiki)' }))
    await person.click(within(screen.getByRole('dialog', { name: 'Disable Wiki?' })).getByRole('button', { name: 'Disable' }))
    await waitFor(() => expect(changes()).toEqual([{ method: 'PATCH', path: `/admin/oidc-clients/${wiki.client_id}`, body: { disabled: true } }]))
    expect(await screen.findByText('Wiki is disabled and everyone is signed out of it.')).toBeTruthy()
  })

  it('enables a disabled app once confirmed', async () => {
    const person = userEvent.setup()
    renderAt('/admin/apps')
    const spaRow = await row('Console SPA')
    await person.click(spaRow.getByRole('button', { name: 'Enable (Console SPA)' }))
    await person.click(within(screen.getByRole('dialog', { name: 'Enable Console SPA?' })).getByRole('button', { name: 'Enable' }))
    await waitFor(() => expect(changes()).toEqual([{ method: 'PATCH', path: `/admin/oidc-clients/${spa.client_id}`, body: { disabled: false } }]))
    expect(await screen.findByText('Console SPA is enabled.')).toBeTruthy()
  })

  it('gives an app a new secret once confirmed, and shows it once', async () => {
    const person = userEvent.setup()
    renderAt('/admin/apps')
    const wikiRow = await row('Wiki')
    await person.click(wikiRow.getByRole('button', { name: 'New secret (Wiki)' }))
    const dialog = screen.getByRole('dialog', { name: 'Give Wiki a new secret?' })
    expect(dialog.textContent).toContain('The current secret stops working at once')
    await person.click(within(dialog).getByRole('button', { name: 'Cancel' }))
    expect(changes()).toEqual([])

    await person.click(wikiRow.getByRole('button', { name: 'New secret (Wiki)' }))
    await person.click(within(screen.getByRole('dialog', { name: 'Give Wiki a new secret?' })).getByRole('button', { name: 'Make a new secret' }))
    const notice = within(await screen.findByRole('region', { name: 'A new secret for Wiki' }))
    expect(changes()).toEqual([{ method: 'POST', path: `/admin/oidc-clients/${wiki.client_id}/secret`, body: undefined }])
    expect(notice.getByText(NEW_SECRET)).toBeTruthy()
    expect(notice.getByText(/you will not see this secret again/)).toBeTruthy()
    await person.click(notice.getByRole('button', { name: 'I have saved the secret' }))
    expect(screen.queryByText(NEW_SECRET)).toBeNull()
  })

  it('says why an action failed', async () => {
    const person = userEvent.setup()
    stubApi((call) => (call.method === 'POST' ? problem(409, 'oidc_client_public', 'A public app has no secret: it signs in with PKCE instead') : undefined))
    renderAt('/admin/apps')
    const wikiRow = await row('Wiki')
    await person.click(wikiRow.getByRole('button', { name: 'New secret (Wiki)' }))
    await person.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Make a new secret' }))
    expect((await screen.findByRole('alert')).textContent).toBe('A public app has no secret: it signs in with PKCE instead')
  })

  it('sends an admin without a second factor to set one up', async () => {
    stubApi(() => problem(403, 'mfa_enrolment_required', 'Admins must use two-step verification'))
    renderAt('/admin/apps')
    expect(await screen.findByRole('link', { name: /two-step|authenticator|profile/i })).toBeTruthy()
    expect(screen.queryByRole('heading', { level: 1, name: 'Apps' })).toBeNull()
  })
})
