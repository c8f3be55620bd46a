// Putting the new secret into an authenticator app (a QR code, or the key typed in) and turning it on with the first
// code the app shows; the answer's recovery codes go to the section, which shows them once.
import type { TotpSetupResponse } from '@portcullis/shared/api/mfa'
import { type FormEvent, useState } from 'react'
import { CodeField } from '../../../components/CodeField.tsx'
import { FormError } from '../../../components/FormError.tsx'
import { fieldSentence, useFormErrors } from '../../../lib/use-form-errors.ts'
import { useConfirmTotp } from '../api/queries.ts'
import { QrCode } from './QrCode.tsx'

const FIELDS = ['code'] as const
const FIELD_OF_CODE = { invalid_code: 'code' } as const

/** The key in groups of four, as people read it out and type it: "ABCD EFGH …". */
export function groupedKey(secret: string): string {
  return (secret.match(/.{1,4}/g) ?? []).join(' ')
}

export interface TotpEnrolmentProps {
  setup: TotpSetupResponse
  onTurnedOn: (recoveryCodes: string[]) => void
  onCancel: () => void
}

export function TotpEnrolment({ setup, onTurnedOn, onCancel }: TotpEnrolmentProps) {
  const confirm = useConfirmTotp()
  const [code, setCode] = useState('')
  const problems = useFormErrors({ fields: FIELDS, fieldOfCode: FIELD_OF_CODE })

  function submit(event: FormEvent) {
    event.preventDefault()
    const typed = code.trim()
    if (problems.showFieldErrors({ code: typed ? undefined : fieldSentence('Code from the app', 'is required') })) return
    confirm.mutate({ code: typed }, { onSuccess: (answer) => onTurnedOn(answer.recovery_codes), onError: problems.showFailure })
  }

  return (
    <form ref={problems.form} onSubmit={submit} noValidate aria-label="Set up an authenticator app">
      <p>Scan this QR code with your authenticator app, then type the code it shows.</p>
      <QrCode value={setup.otpauth_uri} label="QR code for your authenticator app" />
      <p>
        Or type this key: <code className="totp-key">{groupedKey(setup.secret)}</code>
      </p>
      <FormError message={problems.formError} />
      <CodeField
        label="Code from the app"
        value={code}
        onChange={(event) => {
          setCode(event.target.value)
          problems.clearField('code')
        }}
        error={problems.errors.code}
      />
      <div className="actions">
        <button type="submit" className="primary" disabled={confirm.isPending}>
          {confirm.isPending ? 'Turning on…' : 'Turn on'}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  )
}
