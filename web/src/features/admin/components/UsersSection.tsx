// The users table with its search, filters, sorting and paging (all kept in the address), the admin actions on each user,
// and which user's two-step verification is open.
import type { UserListQuery, UserSort } from '@portcullis/shared/api/admin'
import type { UserBody } from '@portcullis/shared/api/common'
import { useQuery } from '@tanstack/react-query'
import { useState } from 'react'
import { ConfirmDialog } from '../../../components/ConfirmDialog.tsx'
import { FormError } from '../../../components/FormError.tsx'
import { describeError } from '../../../lib/problem.ts'
import { useSession } from '../../../lib/session/use-session.ts'
import { useChangeUser, useRevokeSessions, useSendResetLink } from '../api/mutations.ts'
import { userListQuery } from '../api/queries.ts'
import { DebouncedField } from '../../../components/DebouncedField.tsx'
import { Pager } from '../../../components/Pager.tsx'
import { SelectField } from '../../../components/SelectField.tsx'
import { useListParams } from '../../../components/use-list-params.ts'
import { type UserAction, UsersTable } from './UsersTable.tsx'

export const USERS_PAGE_SIZE = 20
const SORTS: readonly UserSort[] = ['created_at', '-created_at', 'username', '-username']
const DEFAULT_SORT: UserSort = '-created_at'

const ROLE_OPTIONS = [
  { value: '', label: 'All roles' },
  { value: 'user', label: 'Users' },
  { value: 'admin', label: 'Admins' },
]
const STATUS_OPTIONS = [
  { value: '', label: 'Any status' },
  { value: 'active', label: 'Active' },
  { value: 'disabled', label: 'Disabled' },
]

function oneOf<T extends string>(allowed: readonly T[], value: string): T | undefined {
  return (allowed as readonly string[]).includes(value) ? (value as T) : undefined
}

/** Changes of power or access, and mail sent in the user's name, are asked about first; enabling an account runs at once. */
const CONFIRMATIONS: Partial<Record<UserAction, (user: UserBody) => { title: string; message: string; confirmLabel: string }>> = {
  promote: ({ username }) => ({
    title: `Make ${username} an admin?`,
    message: `${username} can open the admin console, see every account and change or disable them.`,
    confirmLabel: 'Make admin',
  }),
  demote: ({ username }) => ({
    title: `Make ${username} a user?`,
    message: `${username} loses access to the admin console within seconds.`,
    confirmLabel: 'Make user',
  }),
  disable: ({ username }) => ({
    title: `Disable ${username}?`,
    message: `${username} is signed out everywhere and cannot sign in until the account is enabled again.`,
    confirmLabel: 'Disable',
  }),
  revoke: ({ username }) => ({
    title: `Revoke the sessions of ${username}?`,
    message: `${username} is signed out on every device and has to sign in again.`,
    confirmLabel: 'Revoke sessions',
  }),
  reset: ({ username, email }) => ({
    title: `Send ${username} a reset link?`,
    message: `A link to choose a new password goes to ${email ?? 'their email address'}. The password stays as it is unless the link is used.`,
    confirmLabel: 'Send reset link',
  }),
}

const DONE: Record<UserAction, (user: UserBody) => string> = {
  promote: ({ username }) => `${username} is now an admin.`,
  demote: ({ username }) => `${username} is now a user.`,
  disable: ({ username }) => `${username} is disabled and signed out everywhere.`,
  enable: ({ username }) => `${username} is enabled.`,
  revoke: ({ username }) => `${username} is signed out of every session.`,
  reset: ({ email }) => `A reset link was sent to ${email}.`,
}

const CHANGES = {
  promote: { role: 'admin' },
  demote: { role: 'user' },
  disable: { status: 'disabled' },
  enable: { status: 'active' },
} as const

type Feedback = { ok: boolean; text: string }

export function UsersSection() {
  const session = useSession()
  const selfId = session.status === 'signed-in' ? session.user.id : undefined
  const list = useListParams(['q', 'role', 'status', 'sort'] as const)
  const sort = oneOf(SORTS, list.filters.sort) ?? DEFAULT_SORT
  const query: UserListQuery = {
    limit: USERS_PAGE_SIZE,
    q: list.filters.q || undefined,
    role: oneOf(['user', 'admin'] as const, list.filters.role),
    status: oneOf(['active', 'disabled'] as const, list.filters.status),
    sort,
    cursor: list.cursor,
  }
  const users = useQuery(userListQuery(query))
  const change = useChangeUser()
  const revoke = useRevokeSessions()
  const sendResetLink = useSendResetLink()
  const [asking, setAsking] = useState<{ action: UserAction; user: UserBody }>()
  const [feedback, setFeedback] = useState<Feedback>()
  const [factorsOpenId, setFactorsOpenId] = useState<string>()
  const pendingId = change.isPending ? change.variables.id : revoke.isPending ? revoke.variables : sendResetLink.isPending ? sendResetLink.variables : undefined

  async function run(action: UserAction, user: UserBody): Promise<void> {
    setFeedback(undefined)
    try {
      if (action === 'revoke') await revoke.mutateAsync(user.id)
      else if (action === 'reset') await sendResetLink.mutateAsync(user.id)
      else await change.mutateAsync({ id: user.id, change: CHANGES[action] })
      setFeedback({ ok: true, text: DONE[action](user) })
    } catch (error) {
      setFeedback({ ok: false, text: describeError(error) })
    }
  }

  function act(action: UserAction, user: UserBody): void {
    if (CONFIRMATIONS[action]) setAsking({ action, user })
    else void run(action, user)
  }

  const confirmation = asking && CONFIRMATIONS[asking.action]?.(asking.user)
  const page = users.data
  const first = list.pagesBefore === undefined ? undefined : list.pagesBefore * USERS_PAGE_SIZE + 1
  const summary = !page
    ? undefined
    : page.users.length === 0
      ? `0 of ${page.total}`
      : first === undefined
        ? `${page.users.length} of ${page.total}`
        : `${first}–${first + page.users.length - 1} of ${page.total}`

  return (
    <section className="card" aria-labelledby="users-title">
      <h2 id="users-title">Users</h2>
      <search className="toolbar" aria-label="Filter users">
        <DebouncedField
          label="Search"
          hint="Start of a username or email"
          type="search"
          name="q"
          maxLength={254}
          autoComplete="off"
          value={list.filters.q}
          onCommit={(q) => list.setFilters({ q }, { replace: true })}
        />
        <SelectField
          label="Role"
          name="role"
          options={ROLE_OPTIONS}
          value={query.role ?? ''}
          onChange={(event) => list.setFilters({ role: event.target.value })}
        />
        <SelectField
          label="Status"
          name="status"
          options={STATUS_OPTIONS}
          value={query.status ?? ''}
          onChange={(event) => list.setFilters({ status: event.target.value })}
        />
      </search>

      <div className="admin-feedback">
        <FormError message={feedback && !feedback.ok ? feedback.text : undefined} />
        <p role="status" className="success">
          {feedback?.ok ? feedback.text : ''}
        </p>
      </div>

      {users.isPending && (
        <p className="loading" role="status">
          Loading users…
        </p>
      )}
      {users.isError && (
        <div className="form-error" role="alert">
          {describeError(users.error)}{' '}
          {list.cursor ? (
            <button type="button" onClick={list.firstPage}>
              Back to the first page
            </button>
          ) : (
            <button type="button" onClick={() => void users.refetch()}>
              Try again
            </button>
          )}
        </div>
      )}
      {page && (
        <>
          <UsersTable
            users={page.users}
            sort={sort}
            onSort={(next) => list.setFilters({ sort: next === DEFAULT_SORT ? '' : next })}
            selfId={selfId}
            pendingId={pendingId}
            busy={users.isPlaceholderData}
            onAction={act}
            factorsOpenId={factorsOpenId}
            onToggleFactors={(user) => setFactorsOpenId((open) => (open === user.id ? undefined : user.id))}
          />
          <Pager
            label="Users pages"
            summary={summary}
            hasPrevious={list.cursor !== undefined}
            hasNext={Boolean(page.next_cursor)}
            busy={users.isPlaceholderData}
            onPrevious={list.previousPage}
            onNext={() => page.next_cursor && list.nextPage(page.next_cursor)}
          />
        </>
      )}

      <ConfirmDialog
        open={Boolean(confirmation)}
        title={confirmation?.title ?? ''}
        message={confirmation?.message ?? ''}
        confirmLabel={confirmation?.confirmLabel ?? ''}
        onCancel={() => setAsking(undefined)}
        onConfirm={() => {
          if (asking) void run(asking.action, asking.user)
          setAsking(undefined)
        }}
      />
    </section>
  )
}
