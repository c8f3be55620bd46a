// The sign-in's second step: a code from the authenticator app, one recovery code, or a passkey (whichever the account
// has), sent with the password step's ticket (held by the login page in memory, never in the address or storage). A wrong
// code keeps the ticket; an ended ticket sends the user back to the password step. Once the session begins, the login page
// moves on as after a password alone.
import { type FormEvent, useState } from 'react'
import { CodeField } from '../../../components/CodeField.tsx'
import { FormError } from '../../../components/FormError.tsx'
import { RecoveryCodeField } from '../../../components/RecoveryCodeField.tsx'
import type { MfaRequiredResponse } from '@portcullis/shared/api/mfa'
import { answerWithPasskey, PasskeyPromptError } from '../../../lib/passkeys.ts'
import { describeError, ProblemError } from '../../../lib/problem.ts'
import { fieldSentence, useFormErrors } from '../../../lib/use-form-errors.ts'
import { useSignInSecondStep } from '../api/mutations.ts'

type SecondStepField = 'code' | 'recovery_code'
const FIELDS: readonly SecondStepField[] = ['code', 'recovery_code']

/** The field has focus when the step opens, and again when the user swaps to the other kind of code (each is mounted anew). */
function focusOnMount(input: HTMLInputElement | null) {
  input?.focus()
}

export interface SecondStepFormProps {
  /** The password step's answer: the ticket, the methods the account has, the options for its passkeys. */
  challenge: MfaRequiredResponse
  /** The ticket has expired, was used, or ended after too many wrong codes: the password is needed again. */
  onTicketEnded: (problem: ProblemError) => void
}

export function SecondStepForm({ challenge, onTicketEnded }: SecondStepFormProps) {
  const ticket = challenge.mfa_token
  const hasApp = challenge.methods.includes('totp')
  const passkeyOptions = challenge.methods.includes('passkey') ? challenge.passkey_options : undefined
  const verify = useSignInSecondStep()
  const hasCodes = challenge.methods.includes('recovery_code')
  /** The code asked for; none while a passkey-only account has not asked to type a recovery code. */
  const [field, setField] = useState<SecondStepField | 'none'>(hasApp || !passkeyOptions ? 'code' : 'none')
  const [passkeyProblem, setPasskeyProblem] = useState<string>()
  const [code, setCode] = useState('')
  const [recoveryCode, setRecoveryCode] = useState('')
  const problems = useFormErrors({ fields: FIELDS, fieldOfCode: { invalid_code: field } })

  const usual: SecondStepField | 'none' = hasApp ? 'code' : 'none'
  function swap() {
    problems.clearAll()
    setField(field === 'recovery_code' ? usual : 'recovery_code')
  }

  function refused(error: Error) {
    if (error instanceof ProblemError && error.code === 'mfa_token_invalid') onTicketEnded(error)
    else problems.showFailure(error)
  }

  async function answerWithKey() {
    if (!passkeyOptions) return
    problems.clearAll()
    setPasskeyProblem(undefined)
    try {
      const passkey = await answerWithPasskey(passkeyOptions)
      verify.mutate({ mfa_token: ticket, passkey }, { onError: refused })
    } catch (error) {
      setPasskeyProblem(error instanceof PasskeyPromptError && error.cancelled ? error.message : describeError(error))
    }
  }

  function submit(event: FormEvent) {
    event.preventDefault()
    if (field === 'none') return
    const typed = (field === 'code' ? code : recoveryCode).trim()
    const label = field === 'code' ? 'Authentication code' : 'Recovery code'
    if (problems.showFieldErrors({ [field]: typed ? undefined : fieldSentence(label, 'is required') })) return
    const request = field === 'code' ? { mfa_token: ticket, code: typed } : { mfa_token: ticket, recovery_code: typed }
    verify.mutate(request, { onError: refused })
  }

  return (
    <form ref={problems.form} onSubmit={submit} noValidate aria-labelledby="login-title">
      <FormError message={problems.formError ?? passkeyProblem} />
      {passkeyOptions && (
        <p>
          <button type="button" className={field === 'none' ? 'primary' : undefined} disabled={verify.isPending} onClick={() => void answerWithKey()}>
            Use a passkey
          </button>
        </p>
      )}
      {field === 'code' && (
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
      )}
      {field === 'recovery_code' && (
        <RecoveryCodeField
          key="recovery_code"
          ref={focusOnMount}
          value={recoveryCode}
          onChange={(event) => {
            setRecoveryCode(event.target.value)
            problems.clearField('recovery_code')
          }}
          error={problems.errors.recovery_code}
        />
      )}
      {field !== 'none' && (
        <button type="submit" className="primary" disabled={verify.isPending}>
          {verify.isPending ? 'Verifying…' : 'Verify'}
        </button>
      )}
      {hasCodes && (
        <p>
          <button type="button" className="link-button" onClick={swap}>
            {field !== 'recovery_code' ? 'Use a recovery code instead' : hasApp ? 'Use your authenticator app' : 'Use your passkey'}
          </button>
        </p>
      )}
    </form>
  )
}
