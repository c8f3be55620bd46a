// The apps that sign their users in with Portcullis (OpenID Connect clients): the list with its actions, and registering
// one; for an admin without a second factor (MFA_REQUIRED_FOR_ADMINS), the way to set one up instead.
import { useQuery } from '@tanstack/react-query'
import { Link } from 'react-router'
import { PageHeading } from '../../../components/PageHeading.tsx'
import { isMfaEnrolmentRequired } from '../api/mfa-enrolment.ts'
import { oidcClientsQuery } from '../api/oidc-clients.ts'
import { MfaEnrolmentRequired } from '../components/MfaEnrolmentRequired.tsx'
import { OidcClientsSection } from '../components/OidcClientsSection.tsx'
import { RegisterOidcClientSection } from '../components/RegisterOidcClientSection.tsx'

export function AppsPage() {
  // The list's query, shared with OidcClientsSection: its answer says whether the console is open to this admin at all.
  const clients = useQuery(oidcClientsQuery())
  if (isMfaEnrolmentRequired(clients.error)) return <MfaEnrolmentRequired />
  return (
    <div className="admin-page">
      <div className="page-head">
        <PageHeading title={['Apps', 'Admin']}>Apps</PageHeading>
        <Link to="/admin">Back to administration</Link>
      </div>
      <p>Apps that sign their users in with Portcullis (OpenID Connect clients). Disabling an app signs everyone out of it.</p>
      <OidcClientsSection />
      <RegisterOidcClientSection />
    </div>
  )
}
