// Asking for a reset link by username or email. The answer is the same whether or not an account matches, so the page
// says the same thing either way.
import { type FormEvent, useEffect, useRef, useState } from 'react'
import { Link, useLocation } from 'react-router'
import { Field } from '../../../components/Field.tsx'
import { FormError } from '../../../components/FormError.tsx'
import { PageHeading } from '../../../components/PageHeading.tsx'
import { fieldSentence, useFormErrors } from '../../../lib/use-form-errors.ts'
import { useForgotPassword } from '../api/mutations.ts'

/** The login page hands on what was typed there, so that it need not be typed twice. */
interface ForgotState {
  login?: string
}

const FIELDS = ['login'] as const

export function ForgotPasswordPage() {
  const location = useLocation()
  const state = (location.state ?? {}) as ForgotState
  const [login, setLogin] = useState(typeof state.login === 'string' ? state.login : '')
  const forgot = useForgotPassword()
  const problems = useFormErrors({ fields: FIELDS })
  const confirmation = useRef<HTMLParagraphElement>(null)

  // The form goes away: the keyboard user's place moves to the sentence that replaces it.
  useEffect(() => {
    if (forgot.isSuccess) confirmation.current?.focus()
  }, [forgot.isSuccess])

  function submit(event: FormEvent) {
    event.preventDefault()
    const typed = login.trim()
    if (problems.showFieldErrors({ login: typed ? undefined : fieldSentence('Username or email', 'is required') })) return
    forgot.mutate({ login: typed }, { onError: problems.showFailure })
  }

  return (
    <section className="card narrow" aria-labelledby="forgot-title">
      <PageHeading id="forgot-title" title={['Reset your password']}>
        Reset your password
      </PageHeading>
      {forgot.isSuccess ? (
        <p className="notice" role="status" tabIndex={-1} ref={confirmation}>
          If an account matches, we have sent a link to its email address. The link works for a limited time, and only once.
        </p>
      ) : (
        <form ref={problems.form} onSubmit={submit} noValidate aria-labelledby="forgot-title">
          <p>Type your username or email address. If the account has an email address, we send it a link to choose a new password.</p>
          <FormError message={problems.formError} />
          <Field
            label="Username or email"
            name="login"
            autoComplete="username"
            required
            value={login}
            onChange={(event) => {
              setLogin(event.target.value)
              problems.clearField('login')
            }}
            error={problems.errors.login}
          />
          <button type="submit" className="primary" disabled={forgot.isPending}>
            {forgot.isPending ? 'Sending…' : 'Send reset link'}
          </button>
        </form>
      )}
      <p>
        <Link to="/login">Back to sign in</Link>
      </p>
    </section>
  )
}
