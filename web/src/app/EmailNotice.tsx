// The signed-in shell's notice about the user's email address: one not proven yet (where addresses are proven at all), or
// a new one waiting for its link; with a button that sends the link again.
import type { UserBody } from '@portcullis/shared/api/common'
import { useQuery, useQueryClient } from '@tanstack/react-query'
import { FormError } from '../components/FormError.tsx'
import { profileKeys } from '../features/profile/api/keys.ts'
import { profileQuery } from '../features/profile/api/queries.ts'
import { useResendVerification } from '../lib/email-verification.ts'
import { emailVerificationQuery } from '../lib/password-policy.ts'
import { describeError } from '../lib/problem.ts'

function isUnproven(user: Pick<UserBody, 'email' | 'email_verified'>): boolean {
  return Boolean(user.email && !user.email_verified)
}

export function EmailNotice({ user }: { user: UserBody }) {
  const queryClient = useQueryClient()
  const resend = useResendVerification()
  // The server is asked only while there may be something to say (by the profile already read, else the session's copy of
  // the user): an account with a proven address and no change waiting costs no request.
  const known = queryClient.getQueryData<UserBody>(profileKeys.detail()) ?? user
  const { data: verification } = useQuery({ ...emailVerificationQuery(), enabled: isUnproven(known) })
  const proving = verification !== undefined && verification !== 'off'
  const { data: profile } = useQuery({ ...profileQuery(), enabled: Boolean(known.pending_email) || (isUnproven(known) && proving) })
  const account = profile ?? user

  let text: string
  if (account.pending_email) {
    text = `Your new address ${account.pending_email} is waiting to be confirmed${account.email ? `; until then mail goes to ${account.email}` : ''}.`
  } else if (isUnproven(account) && proving) {
    text = `Confirm your email address: we sent a link to ${account.email}.`
  } else return null

  return (
    <section className="email-notice" aria-label="Your email address">
      <div className="notice">
        <p>
          {text}{' '}
          <button type="button" disabled={resend.isPending} onClick={() => resend.mutate({})}>
            {resend.isPending ? 'Sending…' : 'Send it again'}
          </button>{' '}
          <span className="success" role="status">
            {resend.isSuccess ? 'Sent.' : ''}
          </span>
        </p>
        <FormError message={resend.isError ? describeError(resend.error) : undefined} />
      </div>
    </section>
  )
}
