// Turning the authenticator app off: a current code from it, or the password for someone who no longer has the app.
import { type FormEvent, useState } from 'react'
import { Field } from '../../../components/Field.tsx'
import { CodeField } from '../../../components/CodeField.tsx'
import { FormError } from '../../../components/FormError.tsx'
import { fieldSentence, useFormErrors } from '../../../lib/use-form-errors.ts'
import { useTurnOffTotp } from '../api/queries.ts'

type TurnOffField = 'code' | 'password'
const FIELDS: readonly TurnOffField[] = ['code', 'password']

export interface TurnOffTotpFormProps {
  /** A passkey is left: the recovery codes keep working. */
  codesStay: boolean
  onTurnedOff: () => void
  onCancel: () => void
}

export function TurnOffTotpForm({ codesStay, onTurnedOff, onCancel }: TurnOffTotpFormProps) {
  const turnOff = useTurnOffTotp()
  const [field, setField] = useState<TurnOffField>('code')
  const [value, setValue] = useState('')
  const problems = useFormErrors({ fields: FIELDS, fieldOfCode: { invalid_code: 'code' } })
  const label = field === 'code' ? 'Code from the app' : 'Password'

  function swap() {
    problems.clearAll()
    setValue('')
    setField(field === 'code' ? 'password' : 'code')
  }

  function submit(event: FormEvent) {
    event.preventDefault()
    const typed = field === 'code' ? value.trim() : value
    if (problems.showFieldErrors({ [field]: typed ? undefined : fieldSentence(label, 'is required') })) return
    turnOff.mutate(field === 'code' ? { code: typed } : { password: typed }, { onSuccess: onTurnedOff, onError: problems.showFailure })
  }

  return (
    <form ref={problems.form} onSubmit={submit} noValidate aria-label="Turn off two-step verification">
      <p>
        {codesStay ? 'Your passkeys and recovery codes keep working.' : 'Your recovery codes stop working too.'} Confirm with a code from your app, or with your
        password.
      </p>
      <FormError message={problems.formError} />
      {field === 'code' ? (
        <CodeField
          key="code"
          label="Code from the app"
          value={value}
          onChange={(event) => {
            setValue(event.target.value)
            problems.clearField('code')
          }}
          error={problems.errors.code}
        />
      ) : (
        <Field
          key="password"
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          value={value}
          onChange={(event) => {
            setValue(event.target.value)
            problems.clearField('password')
          }}
          error={problems.errors.password}
        />
      )}
      <p>
        <button type="button" className="link-button" onClick={swap}>
          {field === 'code' ? 'Use your password instead' : 'Use a code from the app'}
        </button>
      </p>
      <div className="actions">
        <button type="submit" className="danger" disabled={turnOff.isPending}>
          {turnOff.isPending ? 'Turning off…' : 'Turn off two-step verification'}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  )
}
