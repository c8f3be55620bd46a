// What an admin without a second factor sees in place of the admin console while MFA_REQUIRED_FOR_ADMINS is on: why, and
// the way to the profile's two-step section. Only the console is closed; the rest of the app works as before.
import { Link } from 'react-router'
import { PageHeading } from '../../../components/PageHeading.tsx'
import { TWO_STEP_SETTINGS } from '../api/mfa-enrolment.ts'

export function MfaEnrolmentRequired() {
  return (
    <section className="card enrolment-required" aria-labelledby="enrolment-required-title">
      <PageHeading id="enrolment-required-title" title={['Two-step verification needed', 'Admin']}>
        Admins must use two-step verification
      </PageHeading>
      <p>
        The admin console opens once your account has a second factor: an authenticator app (or a passkey) that is asked for at sign-in, besides your password.
        Anyone who learns an admin's password could otherwise change every account.
      </p>
      <p>It takes a minute: set it up on your profile, then come back here.</p>
      <p>
        <Link className="primary-link" to={TWO_STEP_SETTINGS}>
          Set up two-step verification
        </Link>
      </p>
    </section>
  )
}
