// Audit events as a table, newest first as the API sends them, each detail as "key: value" lines.
import type { AuditEventBody } from '@portcullis/shared/api/admin'
import { Link } from 'react-router'
import { eventTypeLabel } from './audit-event-types.ts'
import { Time } from './Time.tsx'

function valueText(value: unknown): string {
  if (value === null || value === undefined) return '—'
  if (Array.isArray(value)) return value.length ? value.map(valueText).join(', ') : 'none'
  if (typeof value === 'boolean') return value ? 'yes' : 'no'
  if (typeof value === 'object') return JSON.stringify(value)
  return String(value)
}

/** "session_id: 0192…" for each member of an event's detail. */
export function detailLines(detail: object | null): string[] {
  if (!detail) return []
  return Object.entries(detail).map(([key, value]) => `${key.replaceAll('_', ' ')}: ${valueText(value)}`)
}

function UserLink({ id }: { id: string | null }) {
  if (!id) return <span className="muted">—</span>
  return (
    <Link to={`/admin/audit?user_id=${encodeURIComponent(id)}`} className="id" title="Show only this user's events">
      {id}
    </Link>
  )
}

/** Who acted: the user themselves, another user (usually an admin), a service client or the command line. */
function actorText(event: AuditEventBody) {
  if (!event.actor_id) return <span className="muted">—</span>
  if (event.actor_id === event.user_id) return <span className="muted">the user</span>
  return <span className="id">{event.actor_id}</span>
}

export interface AuditTableProps {
  caption: string
  events: AuditEventBody[]
  busy?: boolean
}

export function AuditTable({ caption, events, busy = false }: AuditTableProps) {
  return (
    <div className="table-wrap">
      <table className="admin-table" aria-busy={busy || undefined}>
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Event</th>
            <th scope="col">User</th>
            <th scope="col">Actor</th>
            <th scope="col">Source</th>
            <th scope="col">Detail</th>
          </tr>
        </thead>
        <tbody>
          {events.length === 0 && (
            <tr>
              <td colSpan={6}>No events match.</td>
            </tr>
          )}
          {events.map((event) => {
            const lines = detailLines(event.detail)
            return (
              <tr key={event.id}>
                <th scope="row">
                  <Time iso={event.at} />
                </th>
                <td>{eventTypeLabel(event.type)}</td>
                <td>
                  <UserLink id={event.user_id} />
                </td>
                <td>{actorText(event)}</td>
                <td>
                  {event.ip ?? '—'}
                  {event.user_agent && <span className="muted user-agent">{event.user_agent}</span>}
                </td>
                <td>
                  {lines.length ? (
                    <ul className="detail-list">
                      {lines.map((line) => (
                        <li key={line}>{line}</li>
                      ))}
                    </ul>
                  ) : (
                    <span className="muted">—</span>
                  )}
                </td>
              </tr>
            )
          })}
        </tbody>
      </table>
    </div>
  )
}
