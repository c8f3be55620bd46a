// Proving an email address from its link: the token leaves the address at once and is sent once (React's strict mode
// runs effects twice in development); then the way on, or, for a link that cannot be used, the way to a new one.
import { useEffect, useRef } from 'react'
import { Link } from 'react-router'
import { FormError } from '../../../components/FormError.tsx'
import { PageHeading } from '../../../components/PageHeading.tsx'
import { useResendVerification } from '../../../lib/email-verification.ts'
import { describeError, ProblemError } from '../../../lib/problem.ts'
import { useSession } from '../../../lib/session/use-session.ts'
import { useLinkToken } from '../../../lib/use-link-token.ts'
import { useVerifyEmail } from '../api/mutations.ts'
import { LinkNotValid, NO_VALID_LINK } from '../components/LinkNotValid.tsx'

/** A failure of the network or the server, not an answer about the link (such as 409 email_taken): worth another try. */
function mayRetry(error: unknown): boolean {
  return !(error instanceof ProblemError) || error.status >= 500
}

/** A new link for the signed-in user's own address. */
function SendNewLink() {
  const resend = useResendVerification()
  return (
    <>
      <button type="button" disabled={resend.isPending || resend.isSuccess} onClick={() => resend.mutate({})}>
        {resend.isPending ? 'Sending…' : 'Send a new link'}
      </button>
      <span className="success live-status" role="status">
        {resend.isSuccess ? ' Sent: open the newest link in your mail.' : ''}
      </span>
      <FormError message={resend.isError ? describeError(resend.error) : undefined} />
    </>
  )
}

export function VerifyEmailPage() {
  const token = useLinkToken()
  const session = useSession()
  const verify = useVerifyEmail()
  const sent = useRef(false)
  const { mutate } = verify

  useEffect(() => {
    if (!token || sent.current) return
    sent.current = true
    mutate({ token })
  }, [token, mutate])

  const signedIn = session.status === 'signed-in'
  // While the session is being restored, the dashboard is the way on: it sends a stranger to the login page itself.
  const onward = session.status === 'anonymous' ? { to: '/login', label: 'Sign in' } : { to: '/dashboard', label: 'Go to your dashboard' }
  const refused = !token || (verify.error instanceof ProblemError && verify.error.code === 'invalid_link')

  return (
    <section className="card narrow" aria-labelledby="verify-title">
      <PageHeading id="verify-title" title={['Confirm your email address']}>
        Confirm your email address
      </PageHeading>
      {refused ? (
        <LinkNotValid message={token ? describeError(verify.error) : NO_VALID_LINK}>
          {signedIn ? <SendNewLink /> : <Link to="/login">Sign in to ask for a new link</Link>}
        </LinkNotValid>
      ) : verify.isError ? (
        <>
          <FormError message={describeError(verify.error)} />
          <p>
            {mayRetry(verify.error) && token && (
              <>
                <button type="button" onClick={() => mutate({ token })}>
                  Try again
                </button>{' '}
              </>
            )}
            <Link to={onward.to}>{onward.label}</Link>
          </p>
        </>
      ) : verify.isSuccess ? (
        <>
          <p className="notice" role="status">
            Your email address is confirmed.
          </p>
          <p>
            <Link to={onward.to}>{onward.label}</Link>
          </p>
        </>
      ) : (
        <p className="loading" role="status">
          Confirming your email address…
        </p>
      )}
    </section>
  )
}
