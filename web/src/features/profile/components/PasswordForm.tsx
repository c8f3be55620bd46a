// Changing the password: the current one, the new one twice, the rules checked live; the server ends the other sessions.
import { type FormEvent, useState } from 'react'
import { Field } from '../../../components/Field.tsx'
import { FormError } from '../../../components/FormError.tsx'
import { passwordRules } from '../../../components/password-rules.ts'
import { PasswordRules } from '../../../components/PasswordRules.tsx'
import { describeError, ProblemError } from '../../../lib/problem.ts'
import { useChangePassword } from '../api/queries.ts'

export function PasswordForm({ username }: { username: string }) {
  const change = useChangePassword()
  const [current, setCurrent] = useState('')
  const [next, setNext] = useState('')
  const [confirm, setConfirm] = useState('')
  const ready = current.length > 0 && passwordRules(next, confirm, username).every((rule) => rule.met)

  function submit(event: FormEvent) {
    event.preventDefault()
    change.mutate(
      { current_password: current, new_password: next },
      {
        onSuccess: () => {
          setCurrent('')
          setNext('')
          setConfirm('')
        },
      },
    )
  }

  function typed(setter: (value: string) => void, value: string) {
    setter(value)
    if (change.isSuccess) change.reset()
  }

  const problem = change.error instanceof ProblemError ? change.error : undefined
  const currentError = problem?.forField('current_password')
  const nextError = problem?.forField('new_password')
  const fieldLevel = Boolean(currentError || nextError)
  return (
    <section className="card" aria-labelledby="password-title">
      <h2 id="password-title">Change password</h2>
      <form onSubmit={submit} noValidate aria-labelledby="password-title">
        <FormError message={change.isError && !fieldLevel ? describeError(change.error) : undefined} />
        <Field
          label="Current password"
          name="current_password"
          type="password"
          autoComplete="current-password"
          required
          value={current}
          onChange={(event) => typed(setCurrent, event.target.value)}
          error={currentError}
        />
        <Field
          label="New password"
          name="new_password"
          type="password"
          autoComplete="new-password"
          required
          value={next}
          onChange={(event) => typed(setNext, event.target.value)}
          error={nextError}
        />
        <Field
          label="Confirm new password"
          name="confirm_new_password"
          type="password"
          autoComplete="new-password"
          required
          value={confirm}
          onChange={(event) => typed(setConfirm, event.target.value)}
        />
        <PasswordRules password={next} confirm={confirm} username={username} />
        <p className="success live-status" role="status">
          {change.isSuccess ? 'Your password has been changed. Your other sessions have been signed out.' : ''}
        </p>
        <button type="submit" className="primary" disabled={change.isPending || !ready}>
          {change.isPending ? 'Changing…' : 'Change password'}
        </button>
      </form>
    </section>
  )
}
