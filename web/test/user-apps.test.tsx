// The dashboard's "Apps signed in with Portcullis": each app with what it may see and when it was last used, the empty
// state, and removing an app's access behind a confirmation, after which the list is asked again. fetch is stubbed.
import type { UserApp } from '@portcullis/shared/api/oidc'
import type { DashboardResponse } from '@portcullis/shared/api/user'
import { json, noContent, problem, type Route as Answer, stubFetch } from '@portcullis/testkit/fetch-stub'
import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { render, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { MemoryRouter } from 'react-router'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { DashboardPage } from '../src/features/dashboard/routes/index.ts'
import { sessionStore } from '../src/lib/session/session-store.ts'
import { testUser } from './users.ts'

const alice = testUser()

const dashboard: DashboardResponse = { profile: alice, sessions: [], recent_events: [] }

const notes: UserApp = {
  client_id: 'notes-client',
  name: 'Notes',
  scopes: ['openid', 'email', 'offline_access'],
  consented_at: '2025-05-01T08:00:00.000Z',
  sign_ins: 2,
  last_used_at: '2025-06-01T10:00:00.000Z',
}
const wiki: UserApp = {
  client_id: 'wiki-client',
  name: 'Wiki',
  scopes: ['openid', 'profile', 'wiki:edit'],
  consented_at: '2025-04-01T08:00:00.000Z',
  sign_ins: 0,
  last_used_at: null,
}
const intranet: UserApp = {
  client_id: 'intranet-client',
  name: 'Intranet',
  scopes: [],
  consented_at: null,
  sign_ins: 1,
  last_used_at: '2025-06-02T07:00:00.000Z',
}

function stubApi(routes: Record<string, Answer>) {
  return stubFetch({ 'GET /user/dashboard': () => json(dashboard), ...routes })
}

function renderDashboard() {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } })
  render(
    <QueryClientProvider client={queryClient}>
      <MemoryRouter initialEntries={['/dashboard']}>
        <DashboardPage />
      </MemoryRouter>
    </QueryClientProvider>,
  )
  return userEvent.setup()
}

async function appsSection(): Promise<HTMLElement> {
  return (await screen.findByRole('heading', { level: 2, name: 'Apps signed in with Portcullis' })).closest('section') as HTMLElement
}

function itemOf(section: HTMLElement, name: string): HTMLElement {
  const item = within(within(section).getByRole('list', { name: 'Apps signed in with Portcullis' }))
    .getAllByRole('listitem')
    .find((candidate) => candidate.querySelector('.user-app-name')?.textContent === name)
  if (!item) throw new Error(`no app ${name}`)
  return item
}

function seenBy(item: HTMLElement, name: string): Array<string | null> {
  return within(within(item).getByRole('list', { name: `What ${name} may see` }))
    .getAllByRole('listitem')
    .map((line) => line.textContent)
}

beforeEach(() => {
  sessionStore.set({ status: 'signed-in', accessToken: 'token-of-alice', user: alice, expiresAt: Date.now() + 600_000 })
})

afterEach(() => {
  vi.unstubAllGlobals()
})

describe('Apps signed in with Portcullis', () => {
  it('lists each app with what it may see and when it was last used', async () => {
    const api = stubApi({ 'GET /user/apps': () => json({ apps: [intranet, notes, wiki] }) })
    renderDashboard()
    const section = await appsSection()
    await within(section).findByText('Notes')

    const names = within(section)
      .getAllByRole('listitem')
      .map((item) => item.querySelector('.user-app-name')?.textContent)
      .filter(Boolean)
    expect(names).toEqual(['Intranet', 'Notes', 'Wiki'])

    const notesItem = itemOf(section, 'Notes')
    expect(seenBy(notesItem, 'Notes')).toEqual(['Your account ID', 'Your email address', 'Stay signed in while you are away'])
    expect(
      within(notesItem)
        .getByText(/^Last used/)
        .querySelector('time')
        ?.getAttribute('dateTime'),
    ).toBe(notes.last_used_at)
    expect(within(notesItem).getByRole('button', { name: 'Remove access: Notes' })).toBeTruthy()

    const wikiItem = itemOf(section, 'Wiki')
    expect(seenBy(wikiItem, 'Wiki')).toEqual(['Your account ID', 'Your username and display name', 'wiki:edit'])
    expect(
      within(wikiItem)
        .getByText(/^Not signed in now; allowed/)
        .querySelector('time')
        ?.getAttribute('dateTime'),
    ).toBe(wiki.consented_at)

    const intranetItem = itemOf(section, 'Intranet')
    expect(within(intranetItem).getByText('Trusted by your organisation: it does not ask for permission.')).toBeTruthy()
    expect(within(intranetItem).queryByRole('list')).toBeNull()

    const sent = api.callsTo('GET', '/user/apps')[0]?.[1]?.headers as Record<string, string> | undefined
    expect(sent?.authorization).toBe('Bearer token-of-alice')
  })

  it('says so when no app uses the account', async () => {
    stubApi({ 'GET /user/apps': () => json({ apps: [] }) })
    renderDashboard()
    const section = await appsSection()
    expect(await within(section).findByText('No apps use your Portcullis account.')).toBeTruthy()
    expect(within(section).queryByRole('button')).toBeNull()
  })

  it('asks before removing an access; cancelled, nothing is sent', async () => {
    const api = stubApi({ 'GET /user/apps': () => json({ apps: [notes] }) })
    const actor = renderDashboard()
    const section = await appsSection()
    await actor.click(await within(section).findByRole('button', { name: 'Remove access: Notes' }))

    const dialog = within(screen.getByRole('dialog', { name: 'Remove access for Notes?' }))
    expect(dialog.getByText('Notes will be signed out and will have to ask again.')).toBeTruthy()
    await actor.click(dialog.getByRole('button', { name: 'Cancel' }))
    expect(screen.queryByRole('dialog')).toBeNull()
    expect(api.calls).not.toContain('DELETE /user/apps/notes-client')
  })

  it('confirmed, removes the access with DELETE and shows the list as the server now has it', async () => {
    let removed = false
    const api = stubApi({
      'GET /user/apps': () => json({ apps: removed ? [wiki] : [notes, wiki] }),
      'DELETE /user/apps/notes-client': () => {
        removed = true
        return noContent()
      },
    })
    const actor = renderDashboard()
    const section = await appsSection()
    await actor.click(await within(section).findByRole('button', { name: 'Remove access: Notes' }))
    await actor.click(within(screen.getByRole('dialog', { name: 'Remove access for Notes?' })).getByRole('button', { name: 'Remove access' }))

    await waitFor(() => expect(within(section).queryByText('Notes')).toBeNull())
    expect(within(section).getByText('Wiki')).toBeTruthy()
    expect(within(section).getByRole('status').textContent).toBe('Notes no longer has access to your account.')
    expect(api.calls.filter((call) => call.includes('/user/apps'))).toEqual(['GET /user/apps', 'DELETE /user/apps/notes-client', 'GET /user/apps'])
    // The focused button is gone with its app; focus moves to the section's heading.
    expect(document.activeElement).toBe(within(section).getByRole('heading', { name: 'Apps signed in with Portcullis' }))
  })

  it('says so when the access cannot be removed, and asks for the list again', async () => {
    const api = stubApi({
      'GET /user/apps': () => json({ apps: [notes] }),
      'DELETE /user/apps/notes-client': () => problem(404, 'not_found', 'That app has no access to your account'),
    })
    const actor = renderDashboard()
    const section = await appsSection()
    await actor.click(await within(section).findByRole('button', { name: 'Remove access: Notes' }))
    await actor.click(within(screen.getByRole('dialog', { name: 'Remove access for Notes?' })).getByRole('button', { name: 'Remove access' }))

    expect((await within(section).findByRole('alert')).textContent).toBe('That app has no access to your account')
    await waitFor(() => expect(api.callsTo('GET', '/user/apps')).toHaveLength(2))
  })
})
