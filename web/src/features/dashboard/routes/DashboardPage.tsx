// The signed-in user's home: their profile, live sessions, the apps signed in with Portcullis and recent security events.
import { useQuery } from '@tanstack/react-query'
import { FormError } from '../../../components/FormError.tsx'
import { PageHeading } from '../../../components/PageHeading.tsx'
import { describeError } from '../../../lib/problem.ts'
import { dashboardQuery } from '../api/queries.ts'
import { AppsSection } from '../components/AppsSection.tsx'
import { ProfileSummary } from '../components/ProfileSummary.tsx'
import { RecentActivity } from '../components/RecentActivity.tsx'
import { SessionsTable } from '../components/SessionsTable.tsx'

export function DashboardPage() {
  const { data, error, isError, refetch } = useQuery(dashboardQuery())
  const retry = (
    <button type="button" onClick={() => void refetch()}>
      Try again
    </button>
  )
  return (
    <div className="dashboard-page">
      <PageHeading title={['Dashboard']}>Dashboard</PageHeading>
      {data ? (
        <>
          {/* A failed background refresh keeps the last answer on screen and says it may be out of date. */}
          {isError && (
            <div className="notice stale-notice" role="status">
              This may be out of date: {describeError(error)} {retry}
            </div>
          )}
          <ProfileSummary profile={data.profile} />
          <SessionsTable sessions={data.sessions} />
          <AppsSection />
          <RecentActivity events={data.recent_events} selfId={data.profile.id} />
        </>
      ) : isError ? (
        <>
          <FormError message={describeError(error)} />
          {retry}
        </>
      ) : (
        <p className="loading" role="status">
          Loading your dashboard…
        </p>
      )}
    </div>
  )
}
