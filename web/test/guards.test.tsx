// Route guards and the shell: restoring, redirect to login and back, 403 for non-admins, the Admin link, 404.
// The pages of other features are stubbed: these tests are about who may open what, not what the pages show.
import type { UserBody } from '@portcullis/shared/api/common'
import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { render, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { MemoryRouter, useLocation } from 'react-router'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { AppRoutes } from '../src/app/AppRoutes.tsx'
import { type SessionState, sessionStore } from '../src/lib/session/session-store.ts'
import { apiFetch } from '../src/lib/api-client.ts'

// Every PascalCase export of a stubbed feature module is a page that renders "<Name> stub".
const { stubPages } = vi.hoisted(() => ({
  stubPages: () => {
    const isPage = (key: string | symbol): key is string => typeof key === 'string' && /^[A-Z]/.test(key)
    return new Proxy(
      {},
      {
        has: (_target, key) => isPage(key),
        get: (_target, key) => (isPage(key) ? () => `${key} stub` : undefined),
      },
    )
  },
}))
vi.mock('../src/features/dashboard/routes/index.ts', () => stubPages())
vi.mock('../src/features/profile/routes/index.ts', () => stubPages())
vi.mock('../src/features/admin/routes/index.ts', () => stubPages())

const user: UserBody = {
  id: '0190a3c4-0000-7000-8000-000000000001',
  username: 'alice',
  email: 'alice@example.com',
  email_verified: true,
  pending_email: null,
  display_name: null,
  role: 'user',
  status: 'active',
  created_at: '2025-01-01T00:00:00.000Z',
  last_login_at: null,
}
const admin: UserBody = { ...user, id: '0190a3c4-0000-7000-8000-000000000002', username: 'root', role: 'admin' }

function signedIn(who: UserBody): SessionState {
  return { status: 'signed-in', accessToken: `token-of-${who.username}`, user: who, expiresAt: Date.now() + 600_000 }
}

function LocationProbe() {
  const location = useLocation()
  return <div data-testid="location">{`${location.pathname}${location.search}`}</div>
}

function location(): string {
  return screen.getByTestId('location').textContent ?? ''
}

function mainNav() {
  return within(screen.getByRole('navigation', { name: 'Main' }))
}

beforeEach(() => {
  sessionStore.set({ status: 'restoring' })
  vi.stubGlobal(
    'fetch',
    vi.fn(async (input: RequestInfo | URL) => {
      throw new Error(`unexpected request ${String(input)}`)
    }),
  )
})

afterEach(() => {
  vi.unstubAllGlobals()
})

describe('AppRoutes', () => {
  function renderAt(path: string, session: SessionState) {
    sessionStore.set(session)
    const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } })
    return render(
      <QueryClientProvider client={queryClient}>
        <MemoryRouter initialEntries={[path]}>
          <AppRoutes />
          <LocationProbe />
        </MemoryRouter>
      </QueryClientProvider>,
    )
  }

  it('shows a status message while the session is being restored', async () => {
    renderAt('/dashboard', { status: 'restoring' })
    expect(screen.getByRole('status').textContent).toMatch(/loading/i)
    expect(location()).toBe('/dashboard')
    expect(screen.queryByText('DashboardPage stub')).toBeNull()

    // Once the silent refresh succeeds, the page shows where it was asked for.
    sessionStore.set(signedIn(user))
    expect(await screen.findByText('DashboardPage stub')).toBeTruthy()
    expect(screen.queryByRole('status')).toBeNull()
  })

  it('sends a stranger to the login page and back to the page they asked for after signing in', async () => {
    const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      if (input === '/auth/login' && init?.method === 'POST') {
        return new Response(JSON.stringify({ access_token: 'fresh', token_type: 'Bearer', expires_in: 600, user }), {
          status: 200,
          headers: { 'content-type': 'application/json' },
        })
      }
      throw new Error(`unexpected request ${String(input)}`)
    })
    vi.stubGlobal('fetch', fetchMock)
    const actor = userEvent.setup()
    renderAt('/dashboard?x=1', { status: 'anonymous' })

    expect(await screen.findByRole('heading', { name: 'Sign in' })).toBeTruthy()
    expect(location()).toBe('/login')
    expect(screen.queryByText('DashboardPage stub')).toBeNull()

    await actor.type(screen.getByLabelText('Username or email'), 'alice')
    await actor.type(screen.getByLabelText('Password'), 'correct horse battery staple')
    await actor.click(screen.getByRole('button', { name: 'Sign in' }))

    await waitFor(() => expect(location()).toBe('/dashboard?x=1'))
    expect(screen.getByText('DashboardPage stub')).toBeTruthy()
    expect(fetchMock).toHaveBeenCalledTimes(1)
    expect(sessionStore.accessToken()).toBe('fresh')
  })

  it('tells a user whose session ended why they are on the login page', async () => {
    renderAt('/profile', { status: 'anonymous', reason: 'expired' })
    expect((await screen.findByRole('status')).textContent).toBe('Your session has ended. Sign in again.')
    expect(location()).toBe('/login')
  })

  it('tells a user whose account was disabled that it is, not that the session ended', async () => {
    renderAt('/profile', { status: 'anonymous', reason: 'disabled' })
    expect((await screen.findByRole('status')).textContent).toBe('Your account has been disabled. Ask an administrator to enable it again.')
    expect(location()).toBe('/login')
  })

  it('goes to the login page, saying the account is disabled, when an API call is answered 403 account_disabled', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => new Response(JSON.stringify({ status: 403, code: 'account_disabled', detail: 'This account is disabled' }), { status: 403 })),
    )
    renderAt('/dashboard', signedIn(user))
    expect(await screen.findByText('DashboardPage stub')).toBeTruthy()

    await apiFetch('/user/dashboard').catch(() => undefined)

    expect((await screen.findByRole('status')).textContent).toMatch(/account has been disabled/)
    expect(location()).toBe('/login')
    expect(document.title).toBe('Sign in · Portcullis')
  })

  it('names the tab on the error pages and focuses their heading', async () => {
    renderAt('/no/such/page', signedIn(user))
    const heading = await screen.findByRole('heading', { level: 1, name: 'Page not found' })
    expect(document.activeElement).toBe(heading)
    expect(document.title).toBe('Page not found · Portcullis')
  })

  it('sends a signed-in user who opens the login page to the dashboard', async () => {
    renderAt('/login', signedIn(user))
    expect(await screen.findByText('DashboardPage stub')).toBeTruthy()
    expect(location()).toBe('/dashboard')
  })

  it('sends / to the dashboard', async () => {
    renderAt('/', signedIn(user))
    expect(await screen.findByText('DashboardPage stub')).toBeTruthy()
    expect(location()).toBe('/dashboard')
  })

  it('shows the 403 page to a user who opens /admin, and no Admin link', async () => {
    renderAt('/admin', signedIn(user))
    expect(await screen.findByRole('heading', { name: 'You cannot open this page' })).toBeTruthy()
    expect(screen.queryByText('AdminPage stub')).toBeNull()
    expect(location()).toBe('/admin')
    expect(mainNav().getByRole('link', { name: 'Dashboard' })).toBeTruthy()
    expect(mainNav().queryByRole('link', { name: 'Admin' })).toBeNull()
  })

  it('shows the Admin link and the admin page to an admin', async () => {
    renderAt('/admin', signedIn(admin))
    expect(await screen.findByText('AdminPage stub')).toBeTruthy()
    expect(mainNav().getByRole('link', { name: 'Admin' }).getAttribute('href')).toBe('/admin')
    expect(screen.queryByRole('heading', { name: 'You cannot open this page' })).toBeNull()
  })

  it('shows the 404 page for an unknown path', async () => {
    renderAt('/no/such/page', { status: 'anonymous' })
    expect(await screen.findByRole('heading', { name: 'Page not found' })).toBeTruthy()
    expect(location()).toBe('/no/such/page')
  })

  it('shows sign-in links, not the signed-in navigation, to a stranger', async () => {
    renderAt('/signup', { status: 'anonymous' })
    expect(mainNav().getByRole('link', { name: 'Sign in' })).toBeTruthy()
    expect(mainNav().queryByRole('link', { name: 'Dashboard' })).toBeNull()
    expect(mainNav().queryByRole('button', { name: 'Sign out' })).toBeNull()
  })

  it('signs out from the header and lands on the login page', async () => {
    const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      if (input === '/auth/logout' && init?.method === 'POST') return new Response(null, { status: 204 })
      throw new Error(`unexpected request ${String(input)}`)
    })
    vi.stubGlobal('fetch', fetchMock)
    const actor = userEvent.setup()
    renderAt('/dashboard', signedIn(user))

    await actor.click(mainNav().getByRole('button', { name: 'Sign out' }))

    await waitFor(() => expect(location()).toBe('/login'))
    expect(sessionStore.get()).toEqual({ status: 'anonymous', reason: 'signed_out' })
    expect(fetchMock).toHaveBeenCalledTimes(1)
    expect(mainNav().getByRole('link', { name: 'Sign in' })).toBeTruthy()
  })
})
