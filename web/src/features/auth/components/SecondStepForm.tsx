// The sign-in's second step: a code from the authenticator app, or one recovery code, sent with the password step's ticket
// (held by the login page in memory, never in the address or storage). A wrong code keeps the ticket; an ended ticket
// sends the user back to the password step. Once the session begins, the login page moves on as after a password alone.
import { type FormEvent, useState } from 'react'
import { Field } from '../../../components/Field.tsx'
import { CodeField } from '../../../components/CodeField.tsx'
import { FormError } from '../../../components/FormError.tsx'
import { ProblemError } from '../../../lib/problem.ts'
import { fieldSentence, useFormErrors } from '../../../lib/use-form-errors.ts'
import { useSignInSecondStep } from '../api/mutations.ts'

type SecondStepField = 'code' | 'recovery_code'
const FIELDS: readonly SecondStepField[] = ['code', 'recovery_code']

/** The field has focus when the step opens, and again when the user swaps to the other kind of code (each is mounted anew). */
function focusOnMount(input: HTMLInputElement | null) {
  input?.focus()
}

export interface SecondStepFormProps {
  ticket: string
  /** The ticket has expired, was used, or ended after too many wrong codes: the password is needed again. */
  onTicketEnded: (problem: ProblemError) => void
}

export function SecondStepForm({ ticket, onTicketEnded }: SecondStepFormProps) {
  const verify = useSignInSecondStep()
  const [field, setField] = useState<SecondStepField>('code')
  const [code, setCode] = useState('')
  const [recoveryCode, setRecoveryCode] = useState('')
  const problems = useFormErrors({ fields: FIELDS, fieldOfCode: { invalid_code: field } })

  function swap() {
    problems.clearAll()
    setField(field === 'code' ? 'recovery_code' : 'code')
  }

  function submit(event: FormEvent) {
    event.preventDefault()
    const typed = (field === 'code' ? code : recoveryCode).trim()
    const label = field === 'code' ? 'Authentication code' : 'Recovery code'
    if (problems.showFieldErrors({ [field]: typed ? undefined : fieldSentence(label, 'is required') })) return
    const request = field === 'code' ? { mfa_token: ticket, code: typed } : { mfa_token: ticket, recovery_code: typed }
    verify.mutate(request, {
      onError: (error) => {
        if (error instanceof ProblemError && error.code === 'mfa_token_invalid') onTicketEnded(error)
        else problems.showFailure(error)
      },
    })
  }

  return (
    <form ref={problems.form} onSubmit={submit} noValidate aria-labelledby="login-title">
      <FormError message={problems.formError} />
      {field === 'code' ? (
        <CodeField
          key="code"
          ref={focusOnMount}
          label="Authentication code"
          hint="The 6 digits your authenticator app shows for this account."
          value={code}
          onChange={(event) => {
            setCode(event.target.value)
            problems.clearField('code')
          }}
          error={problems.errors.code}
        />
      ) : (
        <Field
          key="recovery_code"
          ref={focusOnMount}
          label="Recovery code"
          name="recovery_code"
          autoComplete="off"
          spellCheck={false}
          hint="One of the codes you saved when you set up two-step verification. Each works once."
          required
          value={recoveryCode}
          onChange={(event) => {
            setRecoveryCode(event.target.value)
            problems.clearField('recovery_code')
          }}
          error={problems.errors.recovery_code}
        />
      )}
      <button type="submit" className="primary" disabled={verify.isPending}>
        {verify.isPending ? 'Verifying…' : 'Verify'}
      </button>
      <p>
        <button type="button" className="link-button" onClick={swap}>
          {field === 'code' ? 'Use a recovery code instead' : 'Use your authenticator app'}
        </button>
      </p>
    </form>
  )
}
