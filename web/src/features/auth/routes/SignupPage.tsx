// Create an account: live password feedback, a confirm field, server errors next to their fields; then sign in.
import { type FormEvent, useState } from 'react'
import { Link, useNavigate } from 'react-router'
import { Field } from '../../../components/Field.tsx'
import { FormError } from '../../../components/FormError.tsx'
import { passwordRules } from '../../../components/password-rules.ts'
import { PasswordRules } from '../../../components/PasswordRules.tsx'
import { describeError, ProblemError } from '../../../lib/problem.ts'
import { createAccount } from '../api/signup.ts'
import { signIn } from '../session/session-actions.ts'

export function SignupPage() {
  const navigate = useNavigate()
  const [username, setUsername] = useState('')
  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')
  const [confirm, setConfirm] = useState('')
  const [error, setError] = useState<unknown>()
  const [pending, setPending] = useState(false)
  const ready = passwordRules(password, confirm, username).every((rule) => rule.met) && username.trim().length >= 3

  async function submit(event: FormEvent) {
    event.preventDefault()
    setPending(true)
    setError(undefined)
    try {
      await createAccount({ username: username.trim(), password, confirm_password: confirm, ...(email.trim() ? { email: email.trim() } : {}) })
      await signIn(username.trim(), password)
      navigate('/dashboard', { replace: true })
    } catch (caught) {
      setError(caught)
    } finally {
      setPending(false)
    }
  }

  const problem = error instanceof ProblemError ? error : undefined
  const usernameError = problem?.forField('username') ?? (problem?.code === 'username_taken' ? problem.message : undefined)
  const emailError = problem?.forField('email') ?? (problem?.code === 'email_taken' ? problem.message : undefined)
  const fieldLevel = Boolean(usernameError || emailError || problem?.fieldErrors.length)
  return (
    <section className="card narrow" aria-labelledby="signup-title">
      <h1 id="signup-title">Create an account</h1>
      <form onSubmit={submit} noValidate>
        <FormError message={error && !fieldLevel ? describeError(error) : undefined} />
        <Field
          label="Username"
          name="username"
          autoComplete="username"
          required
          hint="3 to 32 letters, digits, dots, dashes or underscores"
          value={username}
          onChange={(event) => setUsername(event.target.value)}
          error={usernameError}
        />
        <Field
          label="Email (optional)"
          name="email"
          type="email"
          autoComplete="email"
          value={email}
          onChange={(event) => setEmail(event.target.value)}
          error={emailError}
        />
        <Field
          label="Password"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          value={password}
          onChange={(event) => setPassword(event.target.value)}
          error={problem?.forField('password')}
        />
        <Field
          label="Confirm password"
          name="confirm_password"
          type="password"
          autoComplete="new-password"
          required
          value={confirm}
          onChange={(event) => setConfirm(event.target.value)}
          error={problem?.forField('confirm_password')}
        />
        <PasswordRules password={password} confirm={confirm} username={username} />
        <button type="submit" className="primary" disabled={pending || !ready}>
          {pending ? 'Creating…' : 'Create account'}
        </button>
      </form>
      <p>
        Already have an account? <Link to="/login">Sign in</Link>
      </p>
    </section>
  )
}
