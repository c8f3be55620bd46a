// The admin console: counts, the users table with its actions, inviting a user, mail not delivered, the newest events and
// the way to the audit log; for an admin without a second factor (MFA_REQUIRED_FOR_ADMINS), the way to set one up instead.
import { useQuery } from '@tanstack/react-query'
import { Link } from 'react-router'
import { PageHeading } from '../../../components/PageHeading.tsx'
import { isMfaEnrolmentRequired } from '../api/mfa-enrolment.ts'
import { dashboardQuery } from '../api/queries.ts'
import { InviteUserSection } from '../components/InviteUserSection.tsx'
import { MailFailuresSection } from '../components/MailFailuresSection.tsx'
import { MfaEnrolmentRequired } from '../components/MfaEnrolmentRequired.tsx'
import { CountsSection, RecentEventsSection } from '../components/Overview.tsx'
import { UsersSection } from '../components/UsersSection.tsx'

export function AdminPage() {
  // The counts' query, shared with CountsSection: its answer says whether the console is open to this admin at all.
  const dashboard = useQuery(dashboardQuery())
  if (isMfaEnrolmentRequired(dashboard.error)) return <MfaEnrolmentRequired />
  return (
    <div className="admin-page">
      <div className="page-head">
        <PageHeading title={['Users', 'Admin']}>Administration</PageHeading>
        <nav aria-label="Administration" className="admin-nav">
          <Link to="/admin/apps">Apps</Link>
          <Link to="/admin/audit">Audit log</Link>
        </nav>
      </div>
      <CountsSection />
      <UsersSection />
      <InviteUserSection />
      <MailFailuresSection />
      <RecentEventsSection />
    </div>
  )
}
