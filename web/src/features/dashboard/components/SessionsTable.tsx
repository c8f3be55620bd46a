// The user's live sessions, this device marked, each of the others with a button that ends it.
import type { AccountSession } from '@portcullis/shared/api/user'
import { useRef } from 'react'
import { FormError } from '../../../components/FormError.tsx'
import { describeError } from '../../../lib/problem.ts'
import { useRevokeSession } from '../api/queries.ts'
import { Time } from '../../../components/Time.tsx'
import { deviceName } from '../../../lib/device-name.ts'

export function SessionsTable({ sessions }: { sessions: AccountSession[] }) {
  const revoke = useRevokeSession()
  const heading = useRef<HTMLHeadingElement>(null)
  const ending = revoke.isPending ? revoke.variables : undefined

  function end(session: AccountSession) {
    // The row (and the focused button) disappears; the heading keeps the keyboard user's place.
    revoke.mutate(session, { onSuccess: () => heading.current?.focus() })
  }

  return (
    <section className="card" aria-labelledby="sessions-title">
      <h2 id="sessions-title" ref={heading} tabIndex={-1}>
        Active sessions
      </h2>
      <p className="success live-status" role="status">
        {revoke.isSuccess ? `Signed out the session on ${deviceName(revoke.variables)}.` : ''}
      </p>
      <FormError message={revoke.isError ? describeError(revoke.error) : undefined} />
      {sessions.length === 0 ? (
        <p>No active sessions.</p>
      ) : (
        <div className="table-wrap">
          <table className="account-table stacked-table" aria-labelledby="sessions-title">
            <thead>
              <tr>
                <th scope="col">Device</th>
                <th scope="col">IP address</th>
                <th scope="col">Signed in</th>
                <th scope="col">Last used</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {sessions.map((session) => (
                <tr key={session.id} className={session.current ? 'current-session' : undefined}>
                  <th scope="row">
                    <span className="device-name">{deviceName(session)}</span>
                    {session.current && <span className="badge this-device">This device</span>}
                    {session.user_agent && <span className="device-agent">{session.user_agent}</span>}
                  </th>
                  <td data-label="IP address">{session.ip ?? 'Unknown'}</td>
                  <td data-label="Signed in">
                    <Time iso={session.created_at} />
                  </td>
                  <td data-label="Last used">
                    <Time iso={session.last_used_at} />
                  </td>
                  <td className={session.current ? 'no-actions' : undefined}>
                    {!session.current && (
                      <button type="button" onClick={() => end(session)} disabled={revoke.isPending}>
                        {ending?.id === session.id ? 'Signing out…' : 'Sign out this session'}
                        <span className="visually-hidden">{`: ${deviceName(session)}${session.ip ? `, ${session.ip}` : ''}`}</span>
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  )
}
