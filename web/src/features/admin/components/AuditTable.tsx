// Audit events as a table, newest first as the API sends them: who by username, the device by name (its full user agent
// on hover), each detail as "key: value" lines.
import type { AuditEventBody } from '@portcullis/shared/api/admin'
import { Link } from 'react-router'
import { EventParty } from '../../../components/EventParty.tsx'
import { deviceName } from '../../../lib/device-name.ts'
import { eventTypeLabel } from './audit-event-types.ts'
import { Time } from '../../../components/Time.tsx'

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

/** The account the event is about, by username, linked to its events; an account deleted since shows its id. */
function UserLink({ event }: { event: AuditEventBody }) {
  if (!event.user_id) return <span className="muted">—</span>
  const href = `/admin/audit?user_id=${encodeURIComponent(event.user_id)}`
  if (!event.user)
    return (
      <span className="muted" title={event.user_id}>
        deleted account
      </span>
    )
  return (
    <Link to={href} title="Show only this user's events">
      {event.user.name}
    </Link>
  )
}

/** Who acted: the user themselves, another user (usually an admin), a service client or the command line. */
function Actor({ event }: { event: AuditEventBody }) {
  if (event.actor) return <EventParty party={event.actor} />
  if (event.actor_id) return <span className="id">{event.actor_id}</span>
  return <span className="muted">—</span>
}

export interface AuditTableProps {
  caption: string
  events: AuditEventBody[]
  busy?: boolean
}

export function AuditTable({ caption, events, busy = false }: AuditTableProps) {
  return (
    <div className="table-wrap">
      <table className="admin-table stacked-table" aria-busy={busy || undefined}>
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
                <td data-label="Event">{eventTypeLabel(event.type)}</td>
                <td data-label="User">
                  <UserLink event={event} />
                </td>
                <td data-label="Actor">
                  <Actor event={event} />
                </td>
                <td data-label="Source">
                  {event.ip ?? '—'}
                  {event.user_agent && (
                    <span className="muted subline" title={event.user_agent}>
                      {deviceName(event)}
                    </span>
                  )}
                </td>
                <td data-label="Detail">
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
