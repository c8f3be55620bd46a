// Sign in; afterwards, back to the page the user came from. The username field has focus when the page opens.
import { type FormEvent, useEffect, useRef, useState } from 'react'
import { Link, Navigate, useLocation, useNavigate } from 'react-router'
import { Field } from '../../../components/Field.tsx'
import { FormError } from '../../../components/FormError.tsx'
import { PageHeading } from '../../../components/PageHeading.tsx'
import { type FieldErrors, fieldSentence, useFormErrors } from '../../../lib/use-form-errors.ts'
import { useSession } from '../../../lib/session/use-session.ts'
import { useSignIn } from '../api/mutations.ts'

interface LoginState {
  from?: string
  reason?: 'signed_out' | 'expired' | 'disabled'
}

const REASONS: Record<string, string> = {
  expired: 'Your session has ended. Sign in again.',
  disabled: 'Your account has been disabled. Ask an administrator to enable it again.',
}

type LoginField = 'username' | 'password'
const FIELDS: readonly LoginField[] = ['username', 'password']

export function LoginPage() {
  const session = useSession()
  const location = useLocation()
  const navigate = useNavigate()
  const state = (location.state ?? {}) as LoginState
  const [username, setUsername] = useState('')
  const [password, setPassword] = useState('')
  const signIn = useSignIn()
  const problems = useFormErrors({ fields: FIELDS })
  const usernameInput = useRef<HTMLInputElement>(null)
  const target = state.from && state.from !== '/login' ? state.from : '/dashboard'
  // While the sign-in is on its way the page stays, so that it moves on once, to where the user came from.
  const signedIn = session.status === 'signed-in' && !signIn.isPending

  useEffect(() => {
    if (!signedIn) usernameInput.current?.focus()
  }, [signedIn])

  if (signedIn) return <Navigate to={target} replace />

  function submit(event: FormEvent) {
    event.preventDefault()
    const found: FieldErrors<LoginField> = {
      username: username.trim() ? undefined : fieldSentence('Username or email', 'is required'),
      password: password ? undefined : fieldSentence('Password', 'is required'),
    }
    if (problems.showFieldErrors(found)) return
    signIn.mutate({ username, password }, { onSuccess: () => navigate(target, { replace: true }), onError: problems.showFailure })
  }

  const notice = state.reason ? REASONS[state.reason] : undefined
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
        <FormError message={problems.formError} />
        <Field
          ref={usernameInput}
          label="Username or email"
          name="username"
          autoComplete="username"
          required
          value={username}
          onChange={(event) => {
            setUsername(event.target.value)
            problems.clearField('username')
          }}
          error={problems.errors.username}
        />
        <Field
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
      <p>
        New here? <Link to="/signup">Create an account</Link>
      </p>
    </section>
  )
}
