// Who is signed in: the profile as the dashboard shows it, with a way to change it.
import type { UserBody } from '@portcullis/shared/api/common'
import type { ReactNode } from 'react'
import { Link } from 'react-router'
import { Time } from '../../../components/Time.tsx'
import { VerifiedMark } from '../../../components/VerifiedMark.tsx'

const ROLE_NAMES: Record<UserBody['role'], string> = { user: 'User', admin: 'Administrator' }

function Fact({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div>
      <dt>{term}</dt>
      <dd>{children}</dd>
    </div>
  )
}

export function ProfileSummary({ profile }: { profile: UserBody }) {
  return (
    <section className="card" aria-labelledby="dashboard-profile-title">
      <h2 id="dashboard-profile-title">Profile</h2>
      <dl className="account-facts">
        <Fact term="Username">{profile.username}</Fact>
        <Fact term="Email">
          {profile.email ? (
            <>
              <span>{profile.email}</span> <VerifiedMark verified={profile.email_verified} />
            </>
          ) : (
            <span className="not-set">Not set</span>
          )}
        </Fact>
        <Fact term="Display name">{profile.display_name ?? <span className="not-set">Not set</span>}</Fact>
        <Fact term="Role">
          <span className={`badge ${profile.role}`}>{ROLE_NAMES[profile.role]}</span>
        </Fact>
        <Fact term="Member since">
          <Time iso={profile.created_at} dateOnly />
        </Fact>
        <Fact term="Last sign-in">{profile.last_login_at ? <Time iso={profile.last_login_at} /> : 'Never'}</Fact>
      </dl>
      <p>
        <Link to="/profile">Edit your profile</Link>
      </p>
    </section>
  )
}
