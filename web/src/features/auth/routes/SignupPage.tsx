// Create an account: every problem named at its field on submit (the button never waits greyed out), the password rules
// and its strength shown as the user types; then sign in (or, where an address must be proven first, to the login page).
import { useQuery } from '@tanstack/react-query'
import { type FormEvent, useState } from 'react'
import { Link, useNavigate } from 'react-router'
import { Field } from '../../../components/Field.tsx'
import { FormError } from '../../../components/FormError.tsx'
import { NewPasswordFields } from '../../../components/NewPasswordFields.tsx'
import { PageHeading } from '../../../components/PageHeading.tsx'
import { emailError, USERNAME_HINT, usernameError } from '../../../lib/account-fields.ts'
import { confirmationError, newPasswordError } from '../../../lib/password-checks.ts'
import { passwordPolicyQuery } from '../../../lib/password-policy.ts'
import { ProblemError } from '../../../lib/problem.ts'
import { useFormErrors } from '../../../lib/use-form-errors.ts'
import { useSignUp } from '../api/mutations.ts'
import type { LoginState } from './LoginPage.tsx'

type SignupField = 'username' | 'email' | 'password' | 'confirm_password'
const FIELDS: readonly SignupField[] = ['username', 'email', 'password', 'confirm_password']
const FIELD_OF_CODE = { username_taken: 'username', email_taken: 'email' } as const

export function SignupPage() {
  const navigate = useNavigate()
  const { data: policy } = useQuery(passwordPolicyQuery())
  const [username, setUsername] = useState('')
  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')
  const [confirm, setConfirm] = useState('')
  const signUp = useSignUp()
  const problems = useFormErrors({ fields: FIELDS, fieldOfCode: FIELD_OF_CODE })
  const context = { username: username.trim(), email: email.trim() }

  function submit(event: FormEvent) {
    event.preventDefault()
    const found = {
      username: usernameError(context.username),
      email: emailError(context.email),
      password: newPasswordError('Password', password, policy, context),
      confirm_password: confirmationError(password, confirm),
    }
    if (problems.showFieldErrors(found)) return
    signUp.mutate(
      { username: context.username, password, confirm_password: confirm, ...(context.email ? { email: context.email } : {}) },
      {
        onSuccess: () => navigate('/dashboard', { replace: true }),
        onError: (error) => {
          // Created, but EMAIL_VERIFICATION=required keeps it from signing in until its address is proven.
          if (error instanceof ProblemError && error.code === 'email_not_verified') {
            const state: LoginState = { reason: 'account_created', login: context.username }
            navigate('/login', { replace: true, state })
          } else problems.showFailure(error)
        },
      },
    )
  }

  function edit(field: SignupField, setter: (value: string) => void) {
    return (value: string) => {
      setter(value)
      problems.clearField(field)
    }
  }

  return (
    <section className="card narrow" aria-labelledby="signup-title">
      <PageHeading id="signup-title" title={['Create an account']}>
        Create an account
      </PageHeading>
      <form ref={problems.form} onSubmit={submit} noValidate>
        <FormError message={problems.formError} />
        <Field
          label="Username"
          name="username"
          autoComplete="username"
          required
          hint={USERNAME_HINT}
          value={username}
          onChange={(event) => edit('username', setUsername)(event.target.value)}
          error={problems.errors.username}
        />
        <Field
          label="Email (optional)"
          name="email"
          type="email"
          autoComplete="email"
          value={email}
          onChange={(event) => edit('email', setEmail)(event.target.value)}
          error={problems.errors.email}
        />
        <NewPasswordFields
          password={{ label: 'Password', name: 'password', value: password, error: problems.errors.password, onChange: edit('password', setPassword) }}
          confirm={{
            label: 'Confirm password',
            name: 'confirm_password',
            value: confirm,
            error: problems.errors.confirm_password,
            onChange: edit('confirm_password', setConfirm),
          }}
          policy={policy}
          context={context}
        />
        <button type="submit" className="primary" disabled={signUp.isPending}>
          {signUp.isPending ? 'Creating…' : 'Create account'}
        </button>
      </form>
      <p>
        Already have an account? <Link to="/login">Sign in</Link>
      </p>
    </section>
  )
}
