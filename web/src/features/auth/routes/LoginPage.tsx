// Sign in; afterwards, back to the page the user came from.
import { type FormEvent, useState } from 'react'
import { Link, Navigate, useLocation, useNavigate } from 'react-router'
import { Field } from '../../../components/Field.tsx'
import { FormError } from '../../../components/FormError.tsx'
import { describeError, ProblemError } from '../../../lib/problem.ts'
import { signIn } from '../session/session-actions.ts'
import { useSession } from '../session/use-session.ts'

interface LoginState {
  from?: string
  reason?: 'signed_out' | 'expired' | 'disabled'
}

const REASONS: Record<string, string> = {
  expired: 'Your session has ended. Sign in again.',
  disabled: 'This account has been disabled.',
}

export function LoginPage() {
  const session = useSession()
  const location = useLocation()
  const navigate = useNavigate()
  const state = (location.state ?? {}) as LoginState
  const [username, setUsername] = useState('')
  const [password, setPassword] = useState('')
  const [error, setError] = useState<unknown>()
  const [pending, setPending] = useState(false)
  const target = state.from && state.from !== '/login' ? state.from : '/dashboard'

  if (session.status === 'signed-in' && !pending) return <Navigate to={target} replace />

  async function submit(event: FormEvent) {
    event.preventDefault()
    setPending(true)
    setError(undefined)
    try {
      await signIn(username, password)
      navigate(target, { replace: true })
    } catch (caught) {
      setError(caught)
    } finally {
      setPending(false)
    }
  }

  const problem = error instanceof ProblemError ? error : undefined
  const notice = state.reason ? REASONS[state.reason] : undefined
  return (
    <section className="card narrow" aria-labelledby="login-title">
      <h1 id="login-title">Sign in</h1>
      {notice && <p className="notice" role="status">{notice}</p>}
      <form onSubmit={submit} noValidate>
        <FormError message={error && !problem?.fieldErrors.length ? describeError(error) : undefined} />
        <Field
          label="Username or email"
          name="username"
          autoComplete="username"
          required
          value={username}
          onChange={(event) => setUsername(event.target.value)}
          error={problem?.forField('username')}
        />
        <Field
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(event) => setPassword(event.target.value)}
          error={problem?.forField('password')}
        />
        <button type="submit" className="primary" disabled={pending}>
          {pending ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <p>
        New here? <Link to="/signup">Create an account</Link>
      </p>
    </section>
  )
}
