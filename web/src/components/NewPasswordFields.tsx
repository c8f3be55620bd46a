// A new password and its confirmation, with the rules checked as the user types and a strength meter beside them.
import type { PasswordContext, PasswordPolicy } from '@portcullis/shared/passwords/rules'
import { passwordChecklist } from '../lib/password-checks.ts'
import { Field } from './Field.tsx'
import { PasswordRules } from './PasswordRules.tsx'
import { PasswordStrength } from './PasswordStrength.tsx'

interface PasswordInput {
  label: string
  name: string
  value: string
  error: string | undefined
  onChange: (value: string) => void
}

export interface NewPasswordFieldsProps {
  password: PasswordInput
  confirm: PasswordInput
  /** The server's settings; undefined while they load (the checklist then shows only what needs none). */
  policy: PasswordPolicy | undefined
  context: PasswordContext
}

export function NewPasswordFields({ password, confirm, policy, context }: NewPasswordFieldsProps) {
  const userInputs = [context.username ?? '', context.email ?? '', policy?.productName ?? '']
  return (
    <>
      <Field
        label={password.label}
        name={password.name}
        type="password"
        autoComplete="new-password"
        required
        value={password.value}
        onChange={(event) => password.onChange(event.target.value)}
        error={password.error}
      />
      <PasswordStrength password={password.value} userInputs={userInputs} />
      <Field
        label={confirm.label}
        name={confirm.name}
        type="password"
        autoComplete="new-password"
        required
        value={confirm.value}
        onChange={(event) => confirm.onChange(event.target.value)}
        error={confirm.error}
      />
      <PasswordRules items={passwordChecklist(password.value, confirm.value, policy, context)} />
    </>
  )
}
