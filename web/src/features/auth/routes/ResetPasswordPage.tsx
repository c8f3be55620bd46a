// Choosing a new password from a reset link: the token leaves the address at once; the new password under the rules of
// sign-up; then every session of the account has ended and the user signs in with it.
import type { PasswordContext } from '@portcullis/shared/passwords/rules'
import { useQuery } from '@tanstack/react-query'
import { type FormEvent, useState } from 'react'
import { Link, useNavigate } from 'react-router'
import { FormError } from '../../../components/FormError.tsx'
import { NewPasswordFields } from '../../../components/NewPasswordFields.tsx'
import { PageHeading } from '../../../components/PageHeading.tsx'
import { confirmationError, newPasswordError } from '../../../lib/password-checks.ts'
import { passwordPolicyQuery } from '../../../lib/password-policy.ts'
import { describeError, ProblemError } from '../../../lib/problem.ts'
import { signOut } from '../../../lib/session/session-actions.ts'
import { sessionStore } from '../../../lib/session/session-store.ts'
import { useLinkToken } from '../../../lib/use-link-token.ts'
import { useFormErrors } from '../../../lib/use-form-errors.ts'
import { useResetPassword } from '../api/mutations.ts'
import { LinkNotValid, NO_VALID_LINK } from '../components/LinkNotValid.tsx'
import type { LoginState } from './LoginPage.tsx'

type ResetField = 'new_password' | 'confirm_new_password'
const FIELDS: readonly ResetField[] = ['new_password', 'confirm_new_password']
// No username or email here: the rules that need them are the server's to check.
const NO_ACCOUNT: PasswordContext = {}

function isRefusedLink(error: unknown): boolean {
  return error instanceof ProblemError && error.code === 'invalid_link'
}

export function ResetPasswordPage() {
  const token = useLinkToken()
  const navigate = useNavigate()
  const { data: policy } = useQuery({ ...passwordPolicyQuery(), enabled: token !== undefined })
  const [next, setNext] = useState('')
  const [confirm, setConfirm] = useState('')
  const reset = useResetPassword()
  const problems = useFormErrors({ fields: FIELDS })
  const linkRefused = isRefusedLink(reset.error)

  async function submit(event: FormEvent) {
    event.preventDefault()
    if (!token) return
    const found = {
      new_password: newPasswordError('New password', next, policy, NO_ACCOUNT),
      confirm_new_password: confirmationError(next, confirm),
    }
    if (problems.showFieldErrors(found)) return
    try {
      await reset.mutateAsync({ token, new_password: next })
    } catch (error) {
      // A refused link replaces the form (below); anything else is shown at its field or above the form.
      if (!isRefusedLink(error)) problems.showFailure(error)
      return
    }
    // The server has ended every session of the account, most likely this tab's own: the tab signs out too, so that the
    // login page takes the new password.
    if (sessionStore.get().status === 'signed-in') await signOut()
    const state: LoginState = { reason: 'password_reset' }
    navigate('/login', { replace: true, state })
  }

  function edit(field: ResetField, setter: (value: string) => void) {
    return (value: string) => {
      setter(value)
      problems.clearField(field)
    }
  }

  return (
    <section className="card narrow" aria-labelledby="reset-title">
      <PageHeading id="reset-title" title={['Choose a new password']}>
        Choose a new password
      </PageHeading>
      {!token || linkRefused ? (
        <LinkNotValid message={linkRefused ? describeError(reset.error) : NO_VALID_LINK}>
          <Link to="/forgot-password">Ask for a new link</Link>
        </LinkNotValid>
      ) : (
        <form ref={problems.form} onSubmit={(event) => void submit(event)} noValidate aria-labelledby="reset-title">
          <FormError message={problems.formError} />
          <NewPasswordFields
            password={{
              label: 'New password',
              name: 'new_password',
              value: next,
              error: problems.errors.new_password,
              onChange: edit('new_password', setNext),
            }}
            confirm={{
              label: 'Confirm new password',
              name: 'confirm_new_password',
              value: confirm,
              error: problems.errors.confirm_new_password,
              onChange: edit('confirm_new_password', setConfirm),
            }}
            policy={policy}
            context={NO_ACCOUNT}
          />
          <button type="submit" className="primary" disabled={reset.isPending}>
            {reset.isPending ? 'Saving…' : 'Set new password'}
          </button>
        </form>
      )}
    </section>
  )
}
