// One page of users: sortable by username and creation time, each email marked verified or not, each row with its admin
// actions, and under a row its user's two-step verification when opened.
import { VerifiedMark } from '../../../components/VerifiedMark.tsx'
import type { UserSort } from '@portcullis/shared/api/admin'
import type { UserBody } from '@portcullis/shared/api/common'
import { Fragment } from 'react'
import { Link } from 'react-router'
import { Time } from '../../../components/Time.tsx'
import { UserSecondFactor } from './UserSecondFactor.tsx'

export type UserAction = 'promote' | 'demote' | 'disable' | 'enable' | 'revoke' | 'reset'
type SortField = 'username' | 'created_at'
const COLUMNS = 7

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

interface RowButtonProps {
  label: string
  user: UserBody
  disabled?: boolean
  onClick: () => void
  /** For a button that opens something under the row: whether it is open, and its id. */
  expanded?: boolean
  controls?: string
}

/** A row button whose accessible name also names the user, e.g. "Disable (bob)": every row has the same buttons. */
function RowButton({ label, user, disabled = false, onClick, expanded, controls }: RowButtonProps) {
  return (
    <button type="button" disabled={disabled} onClick={onClick} aria-expanded={expanded} aria-controls={expanded ? controls : undefined}>
      {label} <span className="visually-hidden">({user.username})</span>
    </button>
  )
}

/** The id of the two-step panel under a user's row. */
function factorsId(user: UserBody): string {
  return `two-step-${user.id}`
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
  /** The user whose two-step verification is open under their row. */
  factorsOpenId: string | undefined
  onToggleFactors: (user: UserBody) => void
}

export function UsersTable({ users, sort, onSort, selfId, pendingId, busy, onAction, factorsOpenId, onToggleFactors }: UsersTableProps) {
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
              <td colSpan={COLUMNS}>No users match.</td>
            </tr>
          )}
          {users.map((user) => {
            const self = user.id === selfId
            const waiting = user.id === pendingId
            const factorsOpen = user.id === factorsOpenId
            return (
              <Fragment key={user.id}>
                <tr>
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
                      <RowButton label="Two-step" user={user} expanded={factorsOpen} controls={factorsId(user)} onClick={() => onToggleFactors(user)} />
                      <Link to={`/admin/audit?user_id=${encodeURIComponent(user.id)}`}>
                        Events <span className="visually-hidden">({user.username})</span>
                      </Link>
                    </div>
                  </td>
                </tr>
                {factorsOpen && (
                  <tr className="user-detail-row">
                    <td colSpan={COLUMNS}>
                      <UserSecondFactor user={user} self={self} id={factorsId(user)} />
                    </td>
                  </tr>
                )}
              </Fragment>
            )
          })}
        </tbody>
      </table>
    </div>
  )
}
