// The dashboard page: profile, sessions (this device marked, the others revocable) and recent activity (who did it, from
// which device); the tab title and the focused heading.
import type { AccountSession, DashboardResponse } from '@portcullis/shared/api/user'
import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { render, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { MemoryRouter, Route, Routes } from 'react-router'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { sessionStore } from '../src/lib/session/session-store.ts'
import { DashboardPage } from '../src/features/dashboard/routes/index.ts'
import { json, noContent, problem, type Route as Answer, stubFetch } from '@portcullis/testkit/fetch-stub'
import { testUser } from './users.ts'

const alice = testUser({ display_name: 'Alice Liddell', last_login_at: '2025-06-01T09:30:00.000Z' })

const thisDevice: AccountSession = {
  id: 'session-here',
  created_at: '2025-06-01T09:30:00.000Z',
  last_used_at: '2025-06-01T10:00:00.000Z',
  expires_at: '2025-07-01T09:30:00.000Z',
  ip: '198.51.100.7',
  user_agent: 'Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0',
  mode: 'cookie',
  current: true,
}

const otherDevice: AccountSession = {
  id: 'session-there',
  created_at: '2025-05-20T08:00:00.000Z',
  last_used_at: '2025-05-30T18:45:00.000Z',
  expires_at: '2025-06-19T08:00:00.000Z',
  ip: '203.0.113.9',
  user_agent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/141.0.0.0 Safari/537.36',
  mode: 'cookie',
  current: false,
}

const dashboard: DashboardResponse = {
  profile: alice,
  sessions: [thisDevice, otherDevice],
  recent_events: [
    { id: 'e5', type: 'user_enabled', at: '2025-06-02T08:00:00.000Z', actor: { id: 'u-root', kind: 'user', name: 'root' }, ip: '192.0.2.1', user_agent: null },
    {
      id: 'e4',
      type: 'sessions_revoked',
      at: '2025-06-01T11:00:00.000Z',
      actor: { id: 'c-billing', kind: 'service', name: 'billing' },
      ip: null,
      user_agent: null,
    },
    {
      id: 'e3',
      type: 'login_succeeded',
      at: '2025-06-01T09:30:00.000Z',
      actor: { id: alice.id, kind: 'user', name: 'alice' },
      ip: '198.51.100.7',
      user_agent: thisDevice.user_agent,
    },
    { id: 'e2', type: 'login_failed', at: '2025-06-01T09:29:00.000Z', actor: null, ip: '192.0.2.66', user_agent: null },
    { id: 'e1', type: 'password_changed', at: '2025-05-01T12:00:00.000Z', actor: null, ip: null, user_agent: null },
  ],
}

/** The dashboard's API: its overview, and the apps signed in with Portcullis (none here; test/user-apps.test.tsx has them). */
function stubDashboardApi(routes: Record<string, Answer>) {
  return stubFetch({ 'GET /user/apps': () => json({ apps: [] }), ...routes })
}

/** The requests but the apps list's, which loads beside the overview and again after a session ends. */
function withoutApps(calls: string[]): string[] {
  return calls.filter((call) => call !== 'GET /user/apps')
}

function renderDashboard() {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } })
  return render(
    <QueryClientProvider client={queryClient}>
      <MemoryRouter initialEntries={['/dashboard']}>
        <Routes>
          <Route path="/dashboard" element={<DashboardPage />} />
        </Routes>
      </MemoryRouter>
    </QueryClientProvider>,
  )
}

function rowOf(table: HTMLElement, text: string): HTMLElement {
  const row = within(table)
    .getAllByRole('row')
    .find((candidate) => candidate.textContent?.includes(text))
  if (!row) throw new Error(`no row with ${text}`)
  return row
}

beforeEach(() => {
  sessionStore.set({ status: 'signed-in', accessToken: 'token-of-alice', user: alice, expiresAt: Date.now() + 600_000 })
})

afterEach(() => {
  vi.unstubAllGlobals()
})

describe('DashboardPage', () => {
  it('shows the profile, the sessions with this device marked, and the recent activity', async () => {
    const { fetchMock, calls } = stubDashboardApi({ 'GET /user/dashboard': () => json(dashboard) })
    renderDashboard()

    expect(document.activeElement).toBe(screen.getByRole('heading', { level: 1, name: 'Dashboard' }))
    expect(document.title).toBe('Dashboard · Portcullis')
    expect(screen.getByRole('status').textContent).toMatch(/loading/i)

    const profile = (await screen.findByRole('heading', { level: 2, name: 'Profile' })).closest('section') as HTMLElement
    for (const text of ['alice', 'alice@example.com', 'verified', 'Alice Liddell', 'User']) expect(within(profile).getByText(text)).toBeTruthy()
    expect(within(profile).getByText('Member since')).toBeTruthy()
    expect(within(profile).getByText('Last sign-in').nextElementSibling?.querySelector('time')?.getAttribute('dateTime')).toBe(alice.last_login_at)
    expect(within(profile).getByRole('link', { name: 'Edit your profile' }).getAttribute('href')).toBe('/profile')

    const sessions = screen.getByRole('table', { name: 'Active sessions' })
    const headers = within(sessions)
      .getAllByRole('columnheader')
      .map((header) => header.textContent)
    expect(headers).toEqual(['Device', 'IP address', 'Signed in', 'Last used', 'Actions'])
    const here = rowOf(sessions, '198.51.100.7')
    expect(within(here).getByRole('rowheader').textContent).toContain('Firefox on Linux')
    expect(within(here).getByText('This device')).toBeTruthy()
    expect(within(here).queryByRole('button')).toBeNull()
    const there = rowOf(sessions, '203.0.113.9')
    expect(within(there).getByRole('rowheader').textContent).toContain('Chrome on Windows')
    expect(within(there).queryByText('This device')).toBeNull()
    expect(within(there).getByRole('button', { name: 'Sign out this session: Chrome on Windows, 203.0.113.9' })).toBeTruthy()

    const activity = screen.getByRole('table', { name: 'Recent activity' })
    const events = within(activity)
      .getAllByRole('rowheader')
      .map((cell) => cell.textContent)
    expect(events).toEqual(['Account enabled again', 'All sessions ended', 'Signed in', 'Failed sign-in attempt', 'Password changed'])
    expect(
      within(activity)
        .getAllByRole('columnheader')
        .map((header) => header.textContent),
    ).toEqual(['Event', 'When', 'By', 'Device', 'IP address'])
    const cells = (text: string) =>
      within(rowOf(activity, text))
        .getAllByRole('cell')
        .map((cell) => cell.textContent)
    // Who did it: an admin by username, a service by name; the user's own doings say "You".
    expect(cells('Account enabled again').slice(1)).toEqual(['root', 'Unknown', '192.0.2.1'])
    expect(cells('All sessions ended').slice(1)).toEqual(['billing service', 'Unknown', 'Unknown'])
    expect(cells('Signed in').slice(1)).toEqual(['You', 'Firefox on Linux', '198.51.100.7'])
    expect(cells('Failed sign-in attempt').slice(1)).toEqual(['You', 'Unknown', '192.0.2.66'])
    // The device by a short name, its full user agent on hover.
    expect(within(rowOf(activity, 'Signed in')).getByText('Firefox on Linux').getAttribute('title')).toBe(thisDevice.user_agent)
    expect(activity.textContent).not.toContain('Gecko/20100101')

    expect(withoutApps(calls)).toEqual(['GET /user/dashboard'])
    const sent = fetchMock.mock.calls[0]?.[1]?.headers as Record<string, string> | undefined
    expect(sent?.authorization).toBe('Bearer token-of-alice')
  })

  it('signs out another session with DELETE, then shows the list as the server now has it', async () => {
    let revoked = false
    const { calls } = stubDashboardApi({
      'GET /user/dashboard': () => json(revoked ? { ...dashboard, sessions: [thisDevice] } : dashboard),
      'DELETE /user/sessions/session-there': () => {
        revoked = true
        return noContent()
      },
    })
    const actor = userEvent.setup()
    renderDashboard()

    const button = await screen.findByRole('button', { name: /^Sign out this session/ })
    await actor.click(button)

    await waitFor(() => expect(screen.queryByText('203.0.113.9')).toBeNull())
    expect(withoutApps(calls)).toEqual(['GET /user/dashboard', 'DELETE /user/sessions/session-there', 'GET /user/dashboard'])
    const sessions = screen.getByRole('table', { name: 'Active sessions' })
    expect(within(sessions).getAllByRole('row')).toHaveLength(2) // the header row and this device
    expect(within(sessions).getByText('This device')).toBeTruthy()
    const status = screen.getAllByRole('status').find((element) => element.textContent?.startsWith('Signed out'))
    expect(status?.textContent).toBe('Signed out the session on Chrome on Windows.')
    // The focused button is gone with its row; focus moves to the section heading, not to the page's start.
    expect(document.activeElement).toBe(screen.getByRole('heading', { name: 'Active sessions' }))
  })

  it('says so when the session to sign out cannot be ended, and refreshes the list anyway', async () => {
    const { calls } = stubDashboardApi({
      'GET /user/dashboard': () => json(dashboard),
      'DELETE /user/sessions/session-there': () => problem(404, 'not_found', 'That session does not exist'),
    })
    const actor = userEvent.setup()
    renderDashboard()

    await actor.click(await screen.findByRole('button', { name: /^Sign out this session/ }))

    expect((await screen.findByRole('alert')).textContent).toBe('That session does not exist')
    await waitFor(() => expect(withoutApps(calls)).toEqual(['GET /user/dashboard', 'DELETE /user/sessions/session-there', 'GET /user/dashboard']))
  })

  it('announces an error when the dashboard cannot be loaded, and tries again on request', async () => {
    let failing = true
    stubDashboardApi({ 'GET /user/dashboard': () => (failing ? problem(503, 'service_unavailable', 'The service cannot answer right now') : json(dashboard)) })
    const actor = userEvent.setup()
    renderDashboard()

    expect((await screen.findByRole('alert')).textContent).toBe('The service cannot answer right now')
    failing = false
    await actor.click(screen.getByRole('button', { name: 'Try again' }))
    expect(await screen.findByRole('table', { name: 'Active sessions' })).toBeTruthy()
    expect(screen.queryByRole('alert')).toBeNull()
  })
})
