// The dashboard counts, and the newest audit events under them.
import { useQuery } from '@tanstack/react-query'
import { Link } from 'react-router'
import { describeError } from '../../../lib/problem.ts'
import { dashboardQuery } from '../api/queries.ts'
import { AuditTable } from './AuditTable.tsx'
import { CountTiles } from './CountTiles.tsx'

const RECENT_SHOWN = 5

function DashboardError({ error, retry }: { error: unknown; retry: () => void }) {
  return (
    <div className="form-error" role="alert">
      {describeError(error)}{' '}
      <button type="button" onClick={retry}>
        Try again
      </button>
    </div>
  )
}

export function CountsSection() {
  const dashboard = useQuery(dashboardQuery())
  return (
    <section aria-labelledby="counts-title">
      <h2 id="counts-title">Overview</h2>
      {dashboard.isPending && (
        <p className="loading" role="status">
          Loading counts…
        </p>
      )}
      {dashboard.isError && <DashboardError error={dashboard.error} retry={() => void dashboard.refetch()} />}
      {dashboard.data && <CountTiles counts={dashboard.data.counts} />}
    </section>
  )
}

export function RecentEventsSection() {
  const dashboard = useQuery(dashboardQuery())
  if (!dashboard.data) return null
  return (
    <section className="card" aria-labelledby="recent-title">
      <h2 id="recent-title">Recent events</h2>
      <AuditTable caption="The newest audit events" events={dashboard.data.recent_events.slice(0, RECENT_SHOWN)} />
      <p>
        <Link to="/admin/audit">All events in the audit log</Link>
      </p>
    </section>
  )
}
