// A field for the 6-digit code of an authenticator app: a numeric keypad on phones, and the browser's one-time-code
// autofill (a code from an SMS or a password manager).
import { Field, type FieldProps } from './Field.tsx'

export function CodeField(props: Omit<FieldProps, 'name' | 'inputMode' | 'autoComplete' | 'required'>) {
  return <Field name="code" inputMode="numeric" autoComplete="one-time-code" required {...props} />
}
