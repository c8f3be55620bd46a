// One page of users: sortable by username and creation time, each email marked verified or not, each row with its admin
// actions.
import { VerifiedMark } from '../../../components/VerifiedMark.tsx'
import type { UserSort } from '@portcullis/shared/api/admin'
import type { UserBody } from '@portcullis/shared/api/common'
import { Link } from 'react-router'
import { Time } from '../../../components/Time.tsx'

export type UserAction = 'promote' | 'demote' | 'disable' | 'enable' | 'revoke' | 'reset'
type SortField = 'username' | 'created_at'

/** The sort after a click on a column: the other direction if it is the sorted one, else its natural first direction. */
function nextSort(field: SortField, sort: UserSort): UserSort {
  if (sort === field) return `-${field}`
  if (sort === `-${field}`) return field
  return field === 'created_at' ? '-created_at' : 'username'
}

function SortableHeader({ field, label, sort, onSort }: { field: SortField; label: string; sort: UserSort; onSort: (sort: UserSort) => void }) {
  const direction = sort === field ? 'ascending' : sort === `-${field}` ? 'descending' : undefined
  return (
    <th scope="col" aria-sort={direction}>
      <button type="button" className="sort-button" onClick={() => onSort(nextSort(field, sort))}>
        {label}
        <span aria-hidden="true" className="sort-mark">
          {direction === 'ascending' ? '▲' : direction === 'descending' ? '▼' : '↕'}
        </span>
      </button>
    </th>
  )
}

/** A row button whose accessible name also names the user, e.g. "Disable (bob)": every row has the same buttons. */
function RowButton({ label, user, disabled, onClick }: { label: string; user: UserBody; disabled: boolean; onClick: () => void }) {
  return (
    <button type="button" disabled={disabled} onClick={onClick}>
      {label} <span className="visually-hidden">({user.username})</span>
    </button>
  )
}

export interface UsersTableProps {
  users: UserBody[]
  sort: UserSort
  onSort: (sort: UserSort) => void
  /** The signed-in admin: they cannot demote, disable or sign out themselves from here. */
  selfId: string | undefined
  /** The user whose change is on its way, whose buttons wait for it. */
  pendingId: string | undefined
  busy: boolean
  onAction: (action: UserAction, user: UserBody) => void
}

export function UsersTable({ users, sort, onSort, selfId, pendingId, busy, onAction }: UsersTableProps) {
  return (
    <div className="table-wrap">
      <table className="admin-table stacked-table" aria-busy={busy || undefined}>
        <caption className="visually-hidden">Users</caption>
        <thead>
          <tr>
            <SortableHeader field="username" label="Username" sort={sort} onSort={onSort} />
            <th scope="col">Email</th>
            <th scope="col">Role</th>
            <th scope="col">Status</th>
            <SortableHeader field="created_at" label="Created" sort={sort} onSort={onSort} />
            <th scope="col">Last sign-in</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {users.length === 0 && (
            <tr>
              <td colSpan={7}>No users match.</td>
            </tr>
          )}
          {users.map((user) => {
            const self = user.id === selfId
            const waiting = user.id === pendingId
            return (
              <tr key={user.id}>
                <th scope="row">
                  {user.username}
                  {self && (
                    <>
                      {' '}
                      <span className="badge">you</span>
                    </>
                  )}
                  {user.display_name && <span className="muted subline">{user.display_name}</span>}
                </th>
                <td data-label="Email">
                  {user.email ? (
                    <>
                      {user.email} <VerifiedMark verified={user.email_verified} />
                    </>
                  ) : (
                    <span className="muted">—</span>
                  )}
                </td>
                <td data-label="Role">
                  <span className={user.role === 'admin' ? 'badge admin' : 'badge'}>{user.role}</span>
                </td>
                <td data-label="Status">
                  <span className={user.status === 'disabled' ? 'badge disabled' : 'badge'}>{user.status}</span>
                </td>
                <td data-label="Created">
                  <Time iso={user.created_at} />
                </td>
                <td data-label="Last sign-in">{user.last_login_at ? <Time iso={user.last_login_at} /> : <span className="muted">never</span>}</td>
                <td data-label="Actions">
                  <div className="actions">
                    {user.role === 'admin' ? (
                      <RowButton label="Make user" user={user} disabled={self || waiting} onClick={() => onAction('demote', user)} />
                    ) : (
                      <RowButton label="Make admin" user={user} disabled={waiting} onClick={() => onAction('promote', user)} />
                    )}
                    {user.status === 'active' ? (
                      <RowButton label="Disable" user={user} disabled={self || waiting} onClick={() => onAction('disable', user)} />
                    ) : (
                      <RowButton label="Enable" user={user} disabled={waiting} onClick={() => onAction('enable', user)} />
                    )}
                    <RowButton label="Revoke sessions" user={user} disabled={self || waiting} onClick={() => onAction('revoke', user)} />
                    {/* A reset link goes by mail: a user without an address has no such action. */}
                    {user.email && <RowButton label="Send reset link" user={user} disabled={waiting} onClick={() => onAction('reset', user)} />}
                    <Link to={`/admin/audit?user_id=${encodeURIComponent(user.id)}`}>
                      Events <span className="visually-hidden">({user.username})</span>
                    </Link>
                  </div>
                </td>
              </tr>
            )
          })}
        </tbody>
      </table>
    </div>
  )
}
