// The latest security events on the account, newest first, in plain words.
import type { AccountEvent } from '@portcullis/shared/api/user'
import { DateTime } from './DateTime.tsx'
import { eventName, isWarningEvent } from './event-names.ts'

export function RecentActivity({ events }: { events: AccountEvent[] }) {
  return (
    <section className="card" aria-labelledby="activity-title">
      <h2 id="activity-title">Recent activity</h2>
      {events.length === 0 ? (
        <p>No activity yet.</p>
      ) : (
        <div className="table-wrap">
          <table className="account-table" aria-labelledby="activity-title">
            <thead>
              <tr>
                <th scope="col">Event</th>
                <th scope="col">When</th>
                <th scope="col">IP address</th>
              </tr>
            </thead>
            <tbody>
              {events.map((event) => (
                <tr key={event.id}>
                  <th scope="row" className={isWarningEvent(event.type) ? 'event-warning' : undefined}>
                    {eventName(event.type)}
                  </th>
                  <td>
                    <DateTime iso={event.at} />
                  </td>
                  <td>{event.ip ?? 'Unknown'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  )
}
