// The admin console: counts, the users table with its actions, the newest events and the way to the audit log.
import { Link } from 'react-router'
import { PageHeading } from '../../../components/PageHeading.tsx'
import { CountsSection, RecentEventsSection } from '../components/Overview.tsx'
import { UsersSection } from '../components/UsersSection.tsx'

export function AdminPage() {
  return (
    <div className="admin-page">
      <div className="page-head">
        <PageHeading title={['Users', 'Admin']}>Administration</PageHeading>
        <Link to="/admin/audit">Audit log</Link>
      </div>
      <CountsSection />
      <UsersSection />
      <RecentEventsSection />
    </div>
  )
}
