// The admin console against a stubbed API: counts and users, search, filters, sorting, paging, confirmed actions, problems,
// reset links, invitations and undelivered mail, the audit log (usernames, device names, the user picker), titles and focus;
// an admin without a second factor sent to set one up, and a user's two-step verification shown and turned off.
import type { AdminDashboardResponse, AuditEventsResponse, MailFailuresResponse, UserListResponse } from '@portcullis/shared/api/admin'
import type { UserBody } from '@portcullis/shared/api/common'
import type { MfaStatusResponse } from '@portcullis/shared/api/mfa'
import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { Link, MemoryRouter, Route, Routes, useLocation } from 'react-router'
import { json, noContent, problem } from '@portcullis/testkit/fetch-stub'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { AdminPage, AuditPage } from '../src/features/admin/routes/index.ts'
import { sessionStore } from '../src/lib/session/session-store.ts'

function user(id: string, username: string, role: UserBody['role'] = 'user', status: UserBody['status'] = 'active'): UserBody {
  return {
    id,
    username,
    email: `${username}@example.test`,
    email_verified: true,
    pending_email: null,
    display_name: null,
    role,
    status,
    created_at: '2025-01-02T10:00:00.000Z',
    last_login_at: null,
  }
}

const root = user('u-root', 'root', 'admin')
const ada = user('u-ada', 'ada', 'admin')
const bob = user('u-bob', 'bob')
const cyd = user('u-cyd', 'cyd')
/** An address not proven yet, and an account without one. */
const dee: UserBody = { ...user('u-dee', 'dee'), email_verified: false }
const eve: UserBody = { ...user('u-eve', 'eve'), email: null, email_verified: false }

const FIREFOX_ON_LINUX = 'Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0'

const events: AuditEventsResponse = {
  events: [
    {
      id: 'e1',
      at: '2025-03-01T12:00:00.000Z',
      type: 'login_failed',
      user_id: 'u-bob',
      actor_id: null,
      user: { id: 'u-bob', kind: 'user', name: 'bob' },
      actor: null,
      ip: '203.0.113.9',
      user_agent: FIREFOX_ON_LINUX,
      detail: { reason: 'wrong_password' },
    },
  ],
  next_cursor: null,
}

/** Events done to bob by an admin and by a service client, and one of an account deleted since. */
const doneToBob: AuditEventsResponse = {
  events: [
    {
      id: 'e3',
      at: '2025-03-02T12:00:00.000Z',
      type: 'user_disabled',
      user_id: 'u-bob',
      actor_id: 'u-root',
      user: { id: 'u-bob', kind: 'user', name: 'bob' },
      actor: { id: 'u-root', kind: 'user', name: 'root' },
      ip: '192.0.2.1',
      user_agent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/141.0.0.0 Safari/537.36',
      detail: null,
    },
    {
      id: 'e2',
      at: '2025-03-02T11:00:00.000Z',
      type: 'sessions_revoked',
      user_id: 'u-bob',
      actor_id: 'c-billing',
      user: { id: 'u-bob', kind: 'user', name: 'bob' },
      actor: { id: 'c-billing', kind: 'service', name: 'billing' },
      ip: '10.0.0.5',
      user_agent: 'node',
      detail: null,
    },
  ],
  next_cursor: null,
}

const dashboard: AdminDashboardResponse = {
  counts: {
    users: { total: 3, by_role: { user: 2, admin: 1 }, by_status: { active: 3, disabled: 0 } },
    new_users: { last_24h: 1, last_7d: 2 },
    active_sessions: 7,
    failed_logins_24h: 5,
  },
  recent_events: events.events,
}

// A full first page (the console asks for 20) and one more user on the second.
const others = Array.from({ length: 15 }, (_, index) => user(`u-${index}`, `user${index}`))
const firstPage: UserListResponse = { users: [root, ada, bob, dee, eve, ...others], total: 21, next_cursor: 'c2' }
const secondPage: UserListResponse = { users: [cyd], total: 21, next_cursor: null }

interface Call {
  method: string
  url: URL
  body: unknown
}

function defaultAnswer(call: Call): Response {
  const path = call.url.pathname
  if (path === '/admin/dashboard') return json(dashboard)
  if (path === '/admin/get-all-users') return json(call.url.searchParams.get('cursor') === 'c2' ? secondPage : firstPage)
  if (path === '/admin/audit-events') return json(call.url.searchParams.get('user_id') === 'u-bob' ? doneToBob : events)
  if (call.method === 'PATCH' && path.startsWith('/admin/users/')) return json({ ...bob, ...(call.body as object) })
  if (call.method === 'POST' && path.endsWith('/revoke-sessions')) return noContent()
  if (call.method === 'POST' && path.endsWith('/password-reset')) return json({}, 202)
  if (call.method === 'POST' && path === '/admin/users/invite') return json({ ...user('u-new', 'newbie'), ...(call.body as object) }, 201)
  if (path === '/admin/mail/failures') return json({ mails: [] } satisfies MailFailuresResponse)
  if (path.endsWith('/second-factor') && call.method === 'GET') return json({ totp: false, passkeys: 0, recovery_codes_left: 0 } satisfies MfaStatusResponse)
  return problem(404, 'not_found', 'Nothing is here')
}

let calls: Call[] = []

/** Every fetch is recorded; `answer` may answer a call itself, the rest get the default answers above. */
function stubApi(answer?: (call: Call) => Response | undefined): void {
  calls = []
  vi.stubGlobal(
    'fetch',
    vi.fn(async (input: string | URL | Request, init?: RequestInit) => {
      const call: Call = {
        method: init?.method ?? 'GET',
        url: new URL(String(input), 'http://localhost'),
        body: init?.body ? JSON.parse(String(init.body)) : undefined,
      }
      calls.push(call)
      return answer?.(call) ?? defaultAnswer(call)
    }),
  )
}

function userListCalls(): URLSearchParams[] {
  return calls.filter((call) => call.url.pathname === '/admin/get-all-users').map((call) => call.url.searchParams)
}

function lastUserList(): URLSearchParams {
  const last = userListCalls().at(-1)
  if (!last) throw new Error('no users request yet')
  return last
}

function Address() {
  const location = useLocation()
  return <output data-testid="address">{`${location.pathname}${location.search}`}</output>
}

function renderAt(path: string) {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } })
  return render(
    <QueryClientProvider client={queryClient}>
      <MemoryRouter initialEntries={[path]}>
        <Routes>
          <Route path="/admin" element={<AdminPage />} />
          <Route path="/admin/audit" element={<AuditPage />} />
        </Routes>
        <Address />
      </MemoryRouter>
    </QueryClientProvider>,
  )
}

function address(): string {
  return screen.getByTestId('address').textContent ?? ''
}

/** A row action, looked up in its row only: the whole table is slow to search by role in jsdom. */
function rowButton(name: string): HTMLButtonElement {
  const username = /\((.+)\)$/.exec(name)?.[1]
  const cell = screen.getAllByRole('rowheader').find((header) => header.firstChild?.textContent === username)
  const row = cell?.closest('tr')
  if (!row) throw new Error(`no row for ${username}`)
  return within(row).getByRole('button', { name }) as HTMLButtonElement
}

async function usersShown(): Promise<void> {
  await screen.findByRole('rowheader', { name: /bob/ })
}

beforeEach(() => {
  sessionStore.set({ status: 'signed-in', accessToken: 't', user: root, expiresAt: Date.now() + 600_000 })
  stubApi()
})

afterEach(() => {
  vi.unstubAllGlobals()
  sessionStore.set({ status: 'anonymous' })
})

describe('admin page', () => {
  it('shows the counts as tiles and a page of users', async () => {
    renderAt('/admin')
    expect(document.activeElement).toBe(await screen.findByRole('heading', { level: 1, name: 'Administration' }))
    expect(document.title).toBe('Users · Admin · Portcullis')
    await usersShown()
    const tile = (label: string) => screen.getByText((_, element) => element?.tagName === 'LI' && element.textContent === label)
    await screen.findByText('Active sessions')
    expect(tile('7 Active sessions')).toBeTruthy()
    expect(tile('5 Failed sign-ins in the last 24 hours')).toBeTruthy()
    expect(tile('3 Users')).toBeTruthy()
    expect(
      screen
        .getAllByRole('rowheader')
        .map((cell) => cell.textContent)
        .slice(0, 3),
    ).toEqual(['root you', 'ada', 'bob'])
    expect(lastUserList().get('limit')).toBe('20')
    expect(screen.getByText('1–20 of 21')).toBeTruthy()
    expect(lastUserList().get('sort')).toBe('-created_at')
    // The signed-in admin cannot disable, demote or sign out themselves from here.
    expect(rowButton('Disable (root)').disabled).toBe(true)
    expect(rowButton('Make user (root)').disabled).toBe(true)
    expect(rowButton('Disable (bob)').disabled).toBe(false)
    expect(screen.getByRole('link', { name: 'Audit log' }).getAttribute('href')).toBe('/admin/audit')
    expect(within(screen.getByRole('table', { name: 'The newest audit events' })).getByText('reason: wrong_password')).toBeTruthy()
  })

  it('sends the search to the API once the typing pauses, and keeps it in the address', async () => {
    const person = userEvent.setup()
    renderAt('/admin')
    await usersShown()
    await person.type(screen.getByRole('searchbox', { name: 'Search' }), 'bo')
    expect(userListCalls().some((params) => params.has('q'))).toBe(false)
    await waitFor(() => expect(lastUserList().get('q')).toBe('bo'))
    // Debounced: no request went out for the half-typed "b".
    expect(userListCalls().some((params) => params.get('q') === 'b')).toBe(false)
    expect(address()).toBe('/admin?q=bo')
  })

  it('starts from the address: a reload keeps the query', async () => {
    renderAt('/admin?q=bo&role=user&sort=username')
    await usersShown()
    const params = lastUserList()
    expect([params.get('q'), params.get('role'), params.get('sort')]).toEqual(['bo', 'user', 'username'])
    expect((screen.getByRole('searchbox', { name: 'Search' }) as HTMLInputElement).value).toBe('bo')
    expect((screen.getByRole('combobox', { name: 'Role' }) as HTMLSelectElement).value).toBe('user')
  })

  it('changes the request when a filter changes or a column is sorted', async () => {
    const person = userEvent.setup()
    renderAt('/admin')
    await usersShown()
    await person.selectOptions(screen.getByRole('combobox', { name: 'Role' }), 'admin')
    await waitFor(() => expect(lastUserList().get('role')).toBe('admin'))
    await person.selectOptions(screen.getByRole('combobox', { name: 'Status' }), 'disabled')
    await waitFor(() => expect(lastUserList().get('status')).toBe('disabled'))
    expect(lastUserList().get('role')).toBe('admin')

    const created = screen.getByRole('columnheader', { name: /Created/ })
    const username = screen.getByRole('columnheader', { name: /Username/ })
    expect(created.getAttribute('aria-sort')).toBe('descending')
    expect(username.hasAttribute('aria-sort')).toBe(false)

    await person.click(within(username).getByRole('button', { name: 'Username' }))
    await waitFor(() => expect(lastUserList().get('sort')).toBe('username'))
    expect(username.getAttribute('aria-sort')).toBe('ascending')
    expect(created.hasAttribute('aria-sort')).toBe(false)

    await person.click(within(username).getByRole('button', { name: 'Username' }))
    await waitFor(() => expect(lastUserList().get('sort')).toBe('-username'))
    expect(username.getAttribute('aria-sort')).toBe('descending')
    expect(address()).toBe('/admin?role=admin&status=disabled&sort=-username')
  })

  it('pages with next_cursor and comes back with Previous', async () => {
    const person = userEvent.setup()
    renderAt('/admin')
    await usersShown()
    const pager = () => within(screen.getByRole('navigation', { name: 'Users pages' }))
    expect(pager().getByRole('button', { name: 'Previous' }).getAttribute('aria-disabled')).toBe('true')

    await person.click(pager().getByRole('button', { name: 'Next' }))
    await screen.findByRole('rowheader', { name: 'cyd' })
    expect(lastUserList().get('cursor')).toBe('c2')
    expect(screen.getByText('21–21 of 21')).toBeTruthy()
    expect(pager().getByRole('button', { name: 'Next' }).getAttribute('aria-disabled')).toBe('true')
    expect(address()).toBe('/admin?cursor=c2')

    await person.click(pager().getByRole('button', { name: 'Previous' }))
    await usersShown()
    expect(screen.queryByRole('rowheader', { name: 'cyd' })).toBeNull()
    expect(screen.getByText('1–20 of 21')).toBeTruthy()
    expect(address()).toBe('/admin')
    await waitFor(() => expect(lastUserList().has('cursor')).toBe(false))
  })

  it('asks before disabling: Cancel sends nothing, Confirm sends the change and announces it', async () => {
    const person = userEvent.setup()
    renderAt('/admin')
    await usersShown()
    const patches = () => calls.filter((call) => call.method === 'PATCH')

    await person.click(rowButton('Disable (bob)'))
    const dialog = screen.getByRole('dialog', { name: 'Disable bob?' })
    await person.click(within(dialog).getByRole('button', { name: 'Cancel' }))
    expect(screen.queryByRole('dialog')).toBeNull()
    expect(patches()).toEqual([])

    const listsBefore = userListCalls().length
    await person.click(rowButton('Disable (bob)'))
    await person.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Disable' }))
    await waitFor(() => expect(patches()).toHaveLength(1))
    expect(patches()[0]?.url.pathname).toBe('/admin/users/u-bob')
    expect(patches()[0]?.body).toEqual({ status: 'disabled' })
    await waitFor(() => expect(screen.getByText('bob is disabled and signed out everywhere.').getAttribute('role')).toBe('status'))
    // The list was invalidated and fetched again.
    expect(userListCalls().length).toBeGreaterThan(listsBefore)
  })

  it('asks before making an admin, as before making a user, and before revoking sessions', async () => {
    const person = userEvent.setup()
    renderAt('/admin')
    await usersShown()
    const patches = () => calls.filter((call) => call.method === 'PATCH')
    await person.click(rowButton('Make admin (bob)'))
    const dialog = screen.getByRole('dialog', { name: 'Make bob an admin?' })
    await person.click(within(dialog).getByRole('button', { name: 'Cancel' }))
    expect(patches()).toEqual([])

    await person.click(rowButton('Make admin (bob)'))
    await person.click(within(screen.getByRole('dialog', { name: 'Make bob an admin?' })).getByRole('button', { name: 'Make admin' }))
    await waitFor(() => expect(patches()[0]?.body).toEqual({ role: 'admin' }))
    await screen.findByText('bob is now an admin.')

    await person.click(rowButton('Revoke sessions (bob)'))
    await person.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Revoke sessions' }))
    await waitFor(() => expect(calls.some((call) => call.method === 'POST' && call.url.pathname === '/admin/users/u-bob/revoke-sessions')).toBe(true))
    await screen.findByText('bob is signed out of every session.')
  })

  it('shows a 409 last_admin in an alert', async () => {
    stubApi((call) => (call.method === 'PATCH' ? problem(409, 'last_admin', 'The last active admin cannot be demoted or disabled') : undefined))
    const person = userEvent.setup()
    renderAt('/admin')
    await usersShown()
    await person.click(rowButton('Make user (ada)'))
    await person.click(within(screen.getByRole('dialog', { name: 'Make ada a user?' })).getByRole('button', { name: 'Make user' }))
    const alert = await screen.findByRole('alert')
    expect(alert.textContent).toBe('The last active admin cannot be demoted or disabled')
    expect(calls.find((call) => call.method === 'PATCH')?.body).toEqual({ role: 'user' })
    // Nothing was announced as done.
    expect(screen.queryByText(/ada is now/)).toBeNull()
  })
})

describe('audit page', () => {
  function auditCalls(): URLSearchParams[] {
    return calls.filter((call) => call.url.pathname === '/admin/audit-events').map((call) => call.url.searchParams)
  }

  it('sends the type filter and shows each event with its detail', async () => {
    const person = userEvent.setup()
    renderAt('/admin/audit')
    await screen.findByText('reason: wrong_password')
    expect(document.activeElement).toBe(screen.getByRole('heading', { level: 1, name: 'Audit log' }))
    expect(document.title).toBe('Audit log · Admin · Portcullis')
    expect(auditCalls()[0]?.has('type')).toBe(false)

    await person.selectOptions(screen.getByRole('combobox', { name: 'Event type' }), 'login_failed')
    await waitFor(() => expect(auditCalls().at(-1)?.get('type')).toBe('login_failed'))
    expect(address()).toBe('/admin/audit?type=login_failed')
  })

  it('turns the days into ISO instants, the until day included', async () => {
    renderAt('/admin/audit')
    await screen.findByText('reason: wrong_password')
    fireEvent.change(screen.getByLabelText('Since'), { target: { value: '2025-03-01' } })
    fireEvent.change(screen.getByLabelText('Until'), { target: { value: '2025-03-02' } })
    await waitFor(() => expect(auditCalls().at(-1)?.get('until')).toBe(new Date('2025-03-03T00:00:00').toISOString()))
    expect(auditCalls().at(-1)?.get('since')).toBe(new Date('2025-03-01T00:00:00').toISOString())
  })

  it('names the user and the actor by username (a service by its name) and the device by a short name', async () => {
    renderAt('/admin/audit?user_id=u-bob')
    const table = await screen.findByRole('table', { name: 'Audit events, newest first' })
    const row = (type: string) => {
      const found = within(table)
        .getAllByRole('row')
        .find((candidate) => candidate.textContent?.includes(type))
      if (!found) throw new Error(`no ${type} row`)
      return within(found)
    }
    const cells = (type: string) =>
      row(type)
        .getAllByRole('cell')
        .map((cell) => cell.textContent)
    expect(cells('user disabled').slice(0, 3)).toEqual(['user disabled', 'bob', 'root'])
    expect(cells('sessions revoked').slice(0, 3)).toEqual(['sessions revoked', 'bob', 'billing service'])
    expect(row('user disabled').getByRole('link', { name: 'bob' }).getAttribute('href')).toBe('/admin/audit?user_id=u-bob')
    const device = row('user disabled').getByText('Chrome on Windows')
    expect(device.getAttribute('title')).toMatch(/^Mozilla\/5\.0 \(Windows NT/)
    expect(table.textContent).not.toContain('AppleWebKit')
    expect(table.textContent).not.toContain('u-root')
    // The picker shows whom the address filters by, by name.
    expect((screen.getByRole('combobox', { name: 'User' }) as HTMLInputElement).value).toBe('bob')
  })

  it('picks the user to filter by from a list of matching usernames, and clears it', async () => {
    const person = userEvent.setup()
    renderAt('/admin/audit')
    await screen.findByText('reason: wrong_password')
    const picker = screen.getByRole('combobox', { name: 'User' })
    expect(screen.queryByRole('textbox', { name: /user id/i })).toBeNull()
    expect(picker.getAttribute('aria-expanded')).toBe('false')

    await person.type(picker, 'bo')
    const list = await screen.findByRole('listbox', { name: 'Matching users' })
    const search = lastUserList()
    expect([search.get('q'), search.get('limit')]).toEqual(['bo', '10'])
    // Debounced: no request went out for the half-typed "b".
    expect(userListCalls().some((params) => params.get('q') === 'b')).toBe(false)
    expect(picker.getAttribute('aria-expanded')).toBe('true')

    // The arrow keys move through the matches; Enter picks one.
    const options = within(list).getAllByRole('option')
    expect(options[0]?.getAttribute('aria-selected')).toBe('true')
    await person.keyboard('{ArrowDown}{ArrowDown}')
    expect(picker.getAttribute('aria-activedescendant')).toBe(options[2]?.id)
    expect(options[2]?.textContent).toContain('bob')
    await person.keyboard('{Enter}')

    await waitFor(() => expect(address()).toBe('/admin/audit?user_id=u-bob'))
    expect((picker as HTMLInputElement).value).toBe('bob')
    expect(picker.getAttribute('aria-expanded')).toBe('false')
    await waitFor(() => expect(auditCalls().at(-1)?.get('user_id')).toBe('u-bob'))
    await screen.findByRole('cell', { name: 'user disabled' })

    await person.click(screen.getByRole('button', { name: 'Clear the user filter' }))
    await waitFor(() => expect(address()).toBe('/admin/audit'))
    expect((picker as HTMLInputElement).value).toBe('')
    expect(document.activeElement).toBe(picker)
  })

  it('picks a user with the mouse', async () => {
    const person = userEvent.setup()
    renderAt('/admin/audit')
    await screen.findByText('reason: wrong_password')
    await person.type(screen.getByRole('combobox', { name: 'User' }), 'ad')
    await person.click(await screen.findByRole('option', { name: /^ada/ }))
    await waitFor(() => expect(address()).toBe('/admin/audit?user_id=u-ada'))
    expect((screen.getByRole('combobox', { name: 'User' }) as HTMLInputElement).value).toBe('ada')
  })
})

describe('admin page: mail', () => {
  function posts(path: string): Call[] {
    return calls.filter((call) => call.method === 'POST' && call.url.pathname === path)
  }

  it('marks each email verified or unverified in words', async () => {
    renderAt('/admin')
    await usersShown()
    const emailCell = (username: string) => {
      const row = screen
        .getAllByRole('rowheader')
        .find((header) => header.firstChild?.textContent === username)
        ?.closest('tr')
      if (!row) throw new Error(`no row for ${username}`)
      return within(row).getAllByRole('cell')[0]?.textContent
    }
    expect(emailCell('bob')).toBe('bob@example.test verified')
    expect(emailCell('dee')).toBe('dee@example.test unverified')
    expect(emailCell('eve')).toBe('—')
  })

  it('asks before sending a reset link, sends it, and says to which address; a user without email has no such button', async () => {
    const person = userEvent.setup()
    renderAt('/admin')
    await usersShown()
    const row = screen
      .getAllByRole('rowheader')
      .find((header) => header.firstChild?.textContent === 'eve')
      ?.closest('tr')
    expect(row && within(row).queryByRole('button', { name: /Send reset link/ })).toBeNull()

    await person.click(rowButton('Send reset link (bob)'))
    const dialog = screen.getByRole('dialog', { name: 'Send bob a reset link?' })
    expect(dialog.textContent).toContain('bob@example.test')
    await person.click(within(dialog).getByRole('button', { name: 'Cancel' }))
    expect(posts('/admin/users/u-bob/password-reset')).toEqual([])

    await person.click(rowButton('Send reset link (bob)'))
    await person.click(within(screen.getByRole('dialog', { name: 'Send bob a reset link?' })).getByRole('button', { name: 'Send reset link' }))
    await waitFor(() => expect(screen.getByText('A reset link was sent to bob@example.test.').getAttribute('role')).toBe('status'))
    expect(posts('/admin/users/u-bob/password-reset').map((call) => call.body)).toEqual([{}])
  })

  it("shows the server's problem when the reset link cannot be sent", async () => {
    stubApi((call) =>
      call.url.pathname.endsWith('/password-reset') ? problem(409, 'no_email', 'This user has no email address to send a link to') : undefined,
    )
    const person = userEvent.setup()
    renderAt('/admin')
    await usersShown()
    await person.click(rowButton('Send reset link (dee)'))
    await person.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Send reset link' }))
    expect((await screen.findByRole('alert')).textContent).toBe('This user has no email address to send a link to')
    expect(screen.queryByText(/A reset link was sent/)).toBeNull()
  })

  it('invites a user: checks the fields first, sends them with the role, says so and refreshes the list', async () => {
    const person = userEvent.setup()
    renderAt('/admin')
    await usersShown()
    const form = within(screen.getByRole('form', { name: 'Invite a user' }))
    await person.click(form.getByRole('button', { name: 'Send invitation' }))
    expect(form.getByLabelText('Username').getAttribute('aria-invalid')).toBe('true')
    expect(form.getByLabelText('Email').getAttribute('aria-invalid')).toBe('true')
    expect(document.activeElement).toBe(form.getByLabelText('Username'))
    expect(posts('/admin/users/invite')).toEqual([])

    await person.type(form.getByLabelText('Username'), 'newbie')
    await person.type(form.getByLabelText('Email'), ' newbie@example.test ')
    await person.selectOptions(form.getByRole('combobox', { name: 'Invite as' }), 'admin')
    const listsBefore = userListCalls().length
    await person.click(form.getByRole('button', { name: 'Send invitation' }))

    await waitFor(() => expect(form.getByRole('status').textContent).toBe('Invitation sent to newbie@example.test.'))
    expect(posts('/admin/users/invite').map((call) => call.body)).toEqual([{ username: 'newbie', email: 'newbie@example.test', role: 'admin' }])
    expect((form.getByLabelText('Username') as HTMLInputElement).value).toBe('')
    await waitFor(() => expect(userListCalls().length).toBeGreaterThan(listsBefore))
  })

  it('shows a taken username or email at its field', async () => {
    stubApi((call) => (call.url.pathname === '/admin/users/invite' ? problem(409, 'email_taken', 'That email address is already in use') : undefined))
    const person = userEvent.setup()
    renderAt('/admin')
    await usersShown()
    const form = within(screen.getByRole('form', { name: 'Invite a user' }))
    await person.type(form.getByLabelText('Username'), 'newbie')
    await person.type(form.getByLabelText('Email'), 'bob@example.test')
    await person.click(form.getByRole('button', { name: 'Send invitation' }))

    const email = form.getByLabelText('Email')
    await waitFor(() => expect(email.getAttribute('aria-invalid')).toBe('true'))
    expect(screen.getAllByRole('alert').map((alert) => alert.textContent)).toEqual(['That email address is already in use'])
    expect(form.getByRole('status').textContent).toBe('')
  })

  it('lists the mail not delivered, or says all of it was', async () => {
    const failures: MailFailuresResponse = {
      mails: [
        {
          id: 'm1',
          kind: 'reset_password',
          recipient: 'bob@example.test',
          subject: 'Choose a new password',
          user: { id: 'u-bob', username: 'bob' },
          attempts: 3,
          last_error: '451 4.7.1 Greylisted, try again later',
          created_at: '2025-03-01T10:00:00.000Z',
          next_attempt_at: '2025-03-01T10:15:00.000Z',
        },
      ],
    }
    stubApi((call) => (call.url.pathname === '/admin/mail/failures' ? json(failures) : undefined))
    const view = renderAt('/admin')
    const table = await screen.findByRole('table', { name: 'Mail not delivered, oldest first' })
    const cells = within(table)
      .getAllByRole('cell')
      .map((cell) => cell.textContent)
    expect(within(table).getByRole('rowheader').textContent).toBe('bob@example.testbob')
    expect(cells.slice(0, 4)).toEqual(['Choose a new password', 'Password reset', '3', '451 4.7.1 Greylisted, try again later'])
    expect(
      within(table)
        .getByText((_, element) => element?.tagName === 'TIME')
        .getAttribute('datetime'),
    ).toBe('2025-03-01T10:15:00.000Z')
    expect(screen.queryByText('All mail has been delivered.')).toBeNull()
    view.unmount()

    stubApi()
    renderAt('/admin')
    const section = await screen.findByRole('region', { name: 'Mail not delivered' })
    expect(await within(section).findByText('All mail has been delivered.')).toBeTruthy()
    expect(within(section).queryByRole('table')).toBeNull()
  })
})

const ENROLMENT_REQUIRED = 'Admins must use two-step verification: set up an authenticator app or a passkey on your profile first'

describe('admin pages: an admin without a second factor (MFA_REQUIRED_FOR_ADMINS)', () => {
  beforeEach(() => stubApi((call) => (call.url.pathname.startsWith('/admin/') ? problem(403, 'mfa_enrolment_required', ENROLMENT_REQUIRED) : undefined)))

  for (const path of ['/admin', '/admin/audit']) {
    it(`${path} shows why and the way to the profile's two-step section, not the console`, async () => {
      renderAt(path)
      const heading = await screen.findByRole('heading', { level: 1, name: 'Admins must use two-step verification' })
      expect(document.activeElement).toBe(heading)
      expect(document.title).toBe('Two-step verification needed · Admin · Portcullis')
      expect(screen.getByRole('link', { name: 'Set up two-step verification' }).getAttribute('href')).toBe('/profile#two-step')
      expect(screen.queryByRole('table')).toBeNull()
      expect(screen.queryByRole('heading', { name: /Administration|Audit log/ })).toBeNull()
    })
  }

  it('follows the link to the profile, and coming back once a factor is set up finds the console open', async () => {
    const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } })
    render(
      <QueryClientProvider client={queryClient}>
        <MemoryRouter initialEntries={['/admin']}>
          <Routes>
            <Route path="/admin" element={<AdminPage />} />
            <Route path="/profile" element={<Link to="/admin">Back to the console</Link>} />
          </Routes>
          <Address />
        </MemoryRouter>
      </QueryClientProvider>,
    )
    const person = userEvent.setup()
    await person.click(await screen.findByRole('link', { name: 'Set up two-step verification' }))
    expect(address()).toBe('/profile')
    // Set up on the profile: from now on the server lets this admin in.
    stubApi()
    await person.click(screen.getByRole('link', { name: 'Back to the console' }))
    await usersShown()
    expect(screen.getByRole('heading', { level: 1, name: 'Administration' })).toBeTruthy()
    expect(screen.queryByText('Admins must use two-step verification')).toBeNull()
  })
})

describe("admin page: a user's two-step verification", () => {
  /** bob's factors as the server has them: on until a DELETE turns them off. */
  function stubFactors(reset: (call: Call) => Response = () => noContent()) {
    let factors: MfaStatusResponse = { totp: true, passkeys: 2, recovery_codes_left: 7 }
    stubApi((call) => {
      if (call.url.pathname !== '/admin/users/u-bob/second-factor') return undefined
      if (call.method === 'GET') return json(factors)
      const answer = reset(call)
      if (answer.status === 204) factors = { totp: false, passkeys: 0, recovery_codes_left: 0 }
      return answer
    })
  }
  const deletes = () => calls.filter((call) => call.method === 'DELETE')

  it('opens under the row: the app, the passkeys and the codes left; turned off after asking, said so and shown off', async () => {
    stubFactors()
    const person = userEvent.setup()
    renderAt('/admin')
    await usersShown()
    const toggle = rowButton('Two-step (bob)')
    expect(toggle.getAttribute('aria-expanded')).toBe('false')
    await person.click(toggle)
    expect(toggle.getAttribute('aria-expanded')).toBe('true')
    const panel = screen.getByRole('region', { name: 'Two-step verification of bob' })
    expect(toggle.getAttribute('aria-controls')).toBe(panel.id)
    await within(panel).findByText('On: a password alone does not sign this user in.')
    const fact = (term: string) => within(panel).getByText(term).nextElementSibling?.textContent
    expect([fact('Authenticator app'), fact('Passkeys'), fact('Recovery codes left')]).toEqual(['On', '2', '7'])

    await person.click(within(panel).getByRole('button', { name: 'Turn off two-step verification' }))
    const dialog = screen.getByRole('dialog', { name: 'Turn off two-step verification for bob?' })
    expect(dialog.textContent).toContain('The authenticator app, 2 passkeys and the recovery codes are removed')
    expect(dialog.textContent).toContain('They are told by email at bob@example.test.')
    await person.click(within(dialog).getByRole('button', { name: 'Cancel' }))
    expect(deletes()).toEqual([])

    await person.click(within(panel).getByRole('button', { name: 'Turn off two-step verification' }))
    await person.click(within(screen.getByRole('dialog', { name: 'Turn off two-step verification for bob?' })).getByRole('button', { name: 'Turn off' }))
    await waitFor(() => expect(deletes().map((call) => call.url.pathname)).toEqual(['/admin/users/u-bob/second-factor']))
    const done = await within(panel).findByText(/^Two-step verification is off for bob/)
    expect(done.getAttribute('role')).toBe('status')
    expect(done.textContent).toContain('They were told by email at bob@example.test.')
    await within(panel).findByText('Off: this user signs in with the password alone.')
    expect([fact('Authenticator app'), fact('Passkeys'), fact('Recovery codes left')]).toEqual(['Off', '0', '0'])
    expect(within(panel).queryByRole('button', { name: 'Turn off two-step verification' })).toBeNull()

    await person.click(toggle)
    expect(screen.queryByRole('region', { name: 'Two-step verification of bob' })).toBeNull()
  })

  it('says in words when there was nothing left to turn off (409 no_second_factor), and shows it off', async () => {
    stubFactors(() => problem(409, 'no_second_factor', 'This user has no two-step verification to reset'))
    const person = userEvent.setup()
    renderAt('/admin')
    await usersShown()
    await person.click(rowButton('Two-step (bob)'))
    const panel = screen.getByRole('region', { name: 'Two-step verification of bob' })
    await person.click(await within(panel).findByRole('button', { name: 'Turn off two-step verification' }))
    await person.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Turn off' }))
    const alert = await within(panel).findByRole('alert')
    expect(alert.textContent).toBe('bob has no two-step verification to turn off: it is already off (perhaps another admin just turned it off).')
    await waitFor(() => expect(calls.filter((call) => call.method === 'GET' && call.url.pathname.endsWith('/second-factor')).length).toBe(2))
  })

  it("the signed-in admin's own row sends them to their profile instead of offering to turn theirs off", async () => {
    stubApi((call) => (call.url.pathname === '/admin/users/u-root/second-factor' ? json({ totp: true, passkeys: 0, recovery_codes_left: 10 }) : undefined))
    const person = userEvent.setup()
    renderAt('/admin')
    await usersShown()
    await person.click(rowButton('Two-step (root)'))
    const panel = screen.getByRole('region', { name: 'Two-step verification of root' })
    expect((await within(panel).findByRole('link', { name: 'your profile' })).getAttribute('href')).toBe('/profile#two-step')
    expect(within(panel).queryByRole('button', { name: 'Turn off two-step verification' })).toBeNull()
  })
})
