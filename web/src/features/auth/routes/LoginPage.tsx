// Sign in; afterwards, back to the page the user came from: an SPA route (the guards' `from`), or an app's page behind the
// gateway (`?next=`, loaded anew). The username field has focus when the page opens, and offers
// the device's passkeys as it is filled in (autofill), besides the "Sign in with a passkey" button. An account whose
// address must be proven first is offered its link again; one with a second factor is asked for it on the same page.
import { type FormEvent, useEffect, useRef, useState } from 'react'
import { Link, Navigate, useLocation, useNavigate } from 'react-router'
import { Field } from '../../../components/Field.tsx'
import { FormError } from '../../../components/FormError.tsx'
import { PageHeading } from '../../../components/PageHeading.tsx'
import { useResendVerification } from '../../../lib/email-verification.ts'
import { describeError, ProblemError } from '../../../lib/problem.ts'
import { safeReturnPath } from '../../../lib/return-path.ts'
import { type FieldErrors, fieldSentence, useFormErrors } from '../../../lib/use-form-errors.ts'
import { useSession } from '../../../lib/session/use-session.ts'
import type { MfaRequiredResponse } from '@portcullis/shared/api/mfa'
import { cancelPasskeyPrompt, PasskeyPromptError, passkeyAutofillSupported, passkeysSupported } from '../../../lib/passkeys.ts'
import { useSignIn, useSignInWithPasskey } from '../api/mutations.ts'
import { SecondStepForm } from '../components/SecondStepForm.tsx'

export interface LoginState {
  from?: string
  reason?: 'signed_out' | 'expired' | 'disabled' | 'password_reset' | 'account_created'
  /** What to put in the username field: the account just created. */
  login?: string
}

const REASONS: Record<string, string> = {
  expired: 'Your session has ended. Sign in again.',
  disabled: 'Your account has been disabled. Ask an administrator to enable it again.',
  password_reset: 'Your password has been changed. Sign in with the new one.',
  account_created: 'Your account has been created. Open the link we sent to your email address, then sign in.',
}

/** Asks for the verification link again, for the account named by what was typed (the server answers alike for any name). */
function SendLinkAgain({ login }: { login: string }) {
  const resend = useResendVerification()
  return (
    <div className="resend-link">
      <button type="button" disabled={resend.isPending} onClick={() => resend.mutate({ login })}>
        {resend.isPending ? 'Sending…' : 'Send the link again'}
      </button>
      <p className="success live-status" role="status">
        {resend.isSuccess ? 'If the account needs it, a new link is on its way.' : ''}
      </p>
      <FormError message={resend.isError ? describeError(resend.error) : undefined} />
    </div>
  )
}

type LoginField = 'username' | 'password'
const FIELDS: readonly LoginField[] = ['username', 'password']

export function LoginPage() {
  const session = useSession()
  const location = useLocation()
  const navigate = useNavigate()
  const state = (location.state ?? {}) as LoginState
  const [username, setUsername] = useState(typeof state.login === 'string' ? state.login : '')
  const [password, setPassword] = useState('')
  /** The password step's answer for the second step (its ticket, the methods): in memory only, gone with the page. */
  const [ticket, setTicket] = useState<MfaRequiredResponse>()
  const signIn = useSignIn()
  const passkey = useSignInWithPasskey()
  const autofill = useSignInWithPasskey()
  const autofillStart = autofill.mutate
  const problems = useFormErrors({ fields: FIELDS })
  const usernameInput = useRef<HTMLInputElement>(null)
  const passwordInput = useRef<HTMLInputElement>(null)
  const target = state.from && state.from !== '/login' ? state.from : '/dashboard'
  // An app's page is no SPA route: the browser loads it anew. Only ever a path on this origin; anything else is ignored.
  const next = safeReturnPath(new URLSearchParams(location.search).get('next'))
  // While the sign-in is on its way the page stays, so that it moves on once, to where the user came from.
  const signedIn = session.status === 'signed-in' && !signIn.isPending
  const leaving = useRef(false)

  // However the session began (the password, its second step, a passkey, the autofill, or restored from the cookie on
  // arrival), the page leaves once. It replaces the login page in the history, as the SPA's own moves do: "back" from the
  // app's page must not land here and be sent forward again.
  useEffect(() => {
    if (!signedIn || !next || leaving.current) return
    leaving.current = true
    window.location.replace(next)
  }, [signedIn, next])

  // The device's passkeys offered in the username field's suggestions, for as long as the password form is on screen.
  useEffect(() => {
    if (ticket) return
    let prompt: 'checking' | 'started' | 'gone' = 'checking'
    void passkeyAutofillSupported().then((supported) => {
      if (!supported || prompt === 'gone') return
      prompt = 'started'
      autofillStart({ autofill: true })
    })
    return () => {
      if (prompt === 'started') cancelPasskeyPrompt()
      prompt = 'gone'
    }
  }, [ticket, autofillStart])

  useEffect(() => {
    if (signedIn || ticket) return
    // Back from an ended second step, the username is still there: the password is what is asked for again.
    const first = signIn.isSuccess ? passwordInput : usernameInput
    first.current?.focus()
  }, [signedIn, ticket, signIn.isSuccess])

  if (signedIn && next)
    return (
      <p className="loading" role="status">
        Taking you back…
      </p>
    )
  if (signedIn) return <Navigate to={target} replace />

  /** Where a sign-in that has just succeeded goes; with `next`, the signed-in session itself moves the page on (above). */
  function moveOn() {
    if (!next) navigate(target, { replace: true })
  }

  function submit(event: FormEvent) {
    event.preventDefault()
    const found: FieldErrors<LoginField> = {
      username: username.trim() ? undefined : fieldSentence('Username or email', 'is required'),
      password: password ? undefined : fieldSentence('Password', 'is required'),
    }
    if (problems.showFieldErrors(found)) return
    signIn.mutate(
      { username, password },
      {
        onSuccess: (secondStep) => {
          if (secondStep) setTicket(secondStep)
          else moveOn()
        },
        onError: problems.showFailure,
      },
    )
  }

  function backToPassword(problem: ProblemError) {
    setTicket(undefined)
    setPassword('')
    problems.showFailure(problem)
  }

  if (ticket) {
    return (
      <section className="card narrow" aria-labelledby="login-title">
        <PageHeading id="login-title" title={['Two-step verification']} focus={false}>
          Two-step verification
        </PageHeading>
        <p>Your account asks for a second step after the password.</p>
        <SecondStepForm challenge={ticket} onTicketEnded={backToPassword} />
      </section>
    )
  }

  function signInWithPasskey() {
    problems.clearAll()
    passkey.mutate({ autofill: false }, { onSuccess: moveOn })
  }

  // A prompt the user closed needs no alarm; anything else is said where the form says its errors.
  const passkeyProblem = [passkey.error, autofill.error].find((error) => error && !(error instanceof PasskeyPromptError && error.cancelled))
  const notice = state.reason ? REASONS[state.reason] : undefined
  // The name the refused sign-in was sent with, not what the field holds now.
  const unverified = signIn.error instanceof ProblemError && signIn.error.code === 'email_not_verified' ? signIn.variables?.username.trim() : undefined
  return (
    <section className="card narrow" aria-labelledby="login-title">
      <PageHeading id="login-title" title={['Sign in']} focus={false}>
        Sign in
      </PageHeading>
      {notice && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      <form ref={problems.form} onSubmit={submit} noValidate>
        <FormError message={problems.formError ?? (passkeyProblem ? describeError(passkeyProblem) : undefined)} />
        {unverified && <SendLinkAgain key={unverified} login={unverified} />}
        <Field
          ref={usernameInput}
          label="Username or email"
          name="username"
          autoComplete="username webauthn"
          required
          value={username}
          onChange={(event) => {
            setUsername(event.target.value)
            problems.clearField('username')
          }}
          error={problems.errors.username}
        />
        <Field
          ref={passwordInput}
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(event) => {
            setPassword(event.target.value)
            problems.clearField('password')
          }}
          error={problems.errors.password}
        />
        <button type="submit" className="primary" disabled={signIn.isPending}>
          {signIn.isPending ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      {passkeysSupported() && (
        <p className="passkey-sign-in">
          {/* Named "Passkey sign-in" so that the form's own "Sign in" stays the one button of that name on the page. */}
          <button type="button" aria-label="Passkey sign-in" disabled={passkey.isPending} onClick={signInWithPasskey}>
            {passkey.isPending ? 'Waiting for your passkey…' : 'Sign in with a passkey'}
          </button>
        </p>
      )}
      <p>
        <Link to="/forgot-password" state={{ login: username.trim() }}>
          Forgot password?
        </Link>
      </p>
      <p>
        New here? <Link to="/signup">Create an account</Link>
      </p>
    </section>
  )
}
