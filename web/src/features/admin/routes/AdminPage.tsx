// The admin console: counts, the users table with its actions, inviting a user, mail not delivered, the newest events and
// the way to the audit log.
import { Link } from 'react-router'
import { PageHeading } from '../../../components/PageHeading.tsx'
import { InviteUserSection } from '../components/InviteUserSection.tsx'
import { MailFailuresSection } from '../components/MailFailuresSection.tsx'
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
      <InviteUserSection />
      <MailFailuresSection />
      <RecentEventsSection />
    </div>
  )
}
