// Changing the password: the current one, the new one twice, every problem named at its field on submit, the rules and
// the strength shown as the user types; the server ends the other sessions.
import type { UserBody } from '@portcullis/shared/api/common'
import { useQuery } from '@tanstack/react-query'
import { type FormEvent, useState } from 'react'
import { Field } from '../../../components/Field.tsx'
import { FormError } from '../../../components/FormError.tsx'
import { NewPasswordFields } from '../../../components/NewPasswordFields.tsx'
import { confirmationError, newPasswordError } from '../../../lib/password-checks.ts'
import { passwordPolicyQuery } from '../../../lib/password-policy.ts'
import { fieldSentence, useFormErrors } from '../../../lib/use-form-errors.ts'
import { useChangePassword } from '../api/queries.ts'

type PasswordField = 'current_password' | 'new_password' | 'confirm_new_password'
const FIELDS: readonly PasswordField[] = ['current_password', 'new_password', 'confirm_new_password']

export function PasswordForm({ account }: { account: Pick<UserBody, 'username' | 'email'> }) {
  const change = useChangePassword()
  const { data: policy } = useQuery(passwordPolicyQuery())
  const [current, setCurrent] = useState('')
  const [next, setNext] = useState('')
  const [confirm, setConfirm] = useState('')
  const problems = useFormErrors({ fields: FIELDS })
  const context = { username: account.username, email: account.email }

  function submit(event: FormEvent) {
    event.preventDefault()
    const found = {
      current_password: current ? undefined : fieldSentence('Current password', 'is required'),
      new_password: newPasswordError('New password', next, policy, context),
      confirm_new_password: confirmationError(next, confirm),
    }
    if (problems.showFieldErrors(found)) return
    change.mutate(
      { current_password: current, new_password: next },
      {
        onSuccess: () => {
          setCurrent('')
          setNext('')
          setConfirm('')
        },
        onError: problems.showFailure,
      },
    )
  }

  function edit(field: PasswordField, setter: (value: string) => void) {
    return (value: string) => {
      setter(value)
      problems.clearField(field)
      if (change.isSuccess) change.reset()
    }
  }

  return (
    <section className="card" aria-labelledby="password-title">
      <h2 id="password-title">Change password</h2>
      <form ref={problems.form} onSubmit={submit} noValidate aria-labelledby="password-title">
        <FormError message={problems.formError} />
        <Field
          label="Current password"
          name="current_password"
          type="password"
          autoComplete="current-password"
          required
          value={current}
          onChange={(event) => edit('current_password', setCurrent)(event.target.value)}
          error={problems.errors.current_password}
        />
        <NewPasswordFields
          password={{ label: 'New password', name: 'new_password', value: next, error: problems.errors.new_password, onChange: edit('new_password', setNext) }}
          confirm={{
            label: 'Confirm new password',
            name: 'confirm_new_password',
            value: confirm,
            error: problems.errors.confirm_new_password,
            onChange: edit('confirm_new_password', setConfirm),
          }}
          policy={policy}
          context={context}
        />
        <p className="success live-status" role="status">
          {change.isSuccess ? 'Your password has been changed. Your other sessions have been signed out.' : ''}
        </p>
        <button type="submit" className="primary" disabled={change.isPending}>
          {change.isPending ? 'Changing…' : 'Change password'}
        </button>
      </form>
    </section>
  )
}
