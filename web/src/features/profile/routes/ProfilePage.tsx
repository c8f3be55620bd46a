// The account's own settings: display name and email, password, two-step verification, passkeys, and signing out everywhere.
import { useQuery } from '@tanstack/react-query'
import { FormError } from '../../../components/FormError.tsx'
import { PageHeading } from '../../../components/PageHeading.tsx'
import { describeError } from '../../../lib/problem.ts'
import { useSession } from '../../../lib/session/use-session.ts'
import { profileQuery } from '../api/queries.ts'
import { PasskeysSection } from '../components/PasskeysSection.tsx'
import { PasswordForm } from '../components/PasswordForm.tsx'
import { ProfileForm } from '../components/ProfileForm.tsx'
import { SignOutEverywhere } from '../components/SignOutEverywhere.tsx'
import { TwoStepSection } from '../components/TwoStepSection.tsx'

export function ProfilePage() {
  const session = useSession()
  const { data: profile, error, isError, refetch } = useQuery(profileQuery())
  const account = profile ?? (session.status === 'signed-in' ? session.user : { username: '', email: null })
  return (
    <div className="profile-page">
      <PageHeading title={['Profile']}>Profile</PageHeading>
      <section className="card" aria-labelledby="profile-details-title">
        <h2 id="profile-details-title">Name and email</h2>
        {profile ? (
          <ProfileForm profile={profile} />
        ) : isError ? (
          <>
            <FormError message={describeError(error)} />
            <button type="button" onClick={() => void refetch()}>
              Try again
            </button>
          </>
        ) : (
          <p className="loading" role="status">
            Loading your profile…
          </p>
        )}
      </section>
      <PasswordForm account={account} />
      <TwoStepSection />
      <PasskeysSection />
      <SignOutEverywhere />
    </div>
  )
}
