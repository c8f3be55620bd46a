// The latest security events on the account, newest first, in plain words: what, when, who did it, from which device.
import type { AccountEvent } from '@portcullis/shared/api/user'
import { deviceName } from '../../../lib/device-name.ts'
import { EventParty } from '../../../components/EventParty.tsx'
import { Time } from '../../../components/Time.tsx'
import { eventName, isWarningEvent } from './event-names.ts'

/** "You" when the owner did it (or nobody is named), else the admin's username or the service's name. */
function ByWhom({ event, selfId }: { event: AccountEvent; selfId: string }) {
  if (!event.actor || event.actor.id === selfId) return <>You</>
  return <EventParty party={event.actor} />
}

export function RecentActivity({ events, selfId }: { events: AccountEvent[]; selfId: string }) {
  return (
    <section className="card" aria-labelledby="activity-title">
      <h2 id="activity-title">Recent activity</h2>
      {events.length === 0 ? (
        <p>No activity yet.</p>
      ) : (
        <div className="table-wrap">
          <table className="account-table stacked-table" aria-labelledby="activity-title">
            <thead>
              <tr>
                <th scope="col">Event</th>
                <th scope="col">When</th>
                <th scope="col">By</th>
                <th scope="col">Device</th>
                <th scope="col">IP address</th>
              </tr>
            </thead>
            <tbody>
              {events.map((event) => (
                <tr key={event.id}>
                  <th scope="row" className={isWarningEvent(event.type) ? 'event-warning' : undefined}>
                    {eventName(event.type)}
                  </th>
                  <td data-label="When">
                    <Time iso={event.at} />
                  </td>
                  <td data-label="By">
                    <ByWhom event={event} selfId={selfId} />
                  </td>
                  <td data-label="Device">
                    {event.user_agent ? <span title={event.user_agent}>{deviceName(event)}</span> : <span className="muted">Unknown</span>}
                  </td>
                  <td data-label="IP address">{event.ip ?? 'Unknown'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  )
}
