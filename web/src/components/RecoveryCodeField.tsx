// A field for one recovery code, as the sign-in's second step and the "Confirm it's you" prompt ask for it: no autofill or
// spell-checking, and the same words about what it is.
import { Field, type FieldProps } from './Field.tsx'

const HINT = 'One of the codes you saved when you set up two-step verification. Each works once.'

export function RecoveryCodeField(props: Omit<FieldProps, 'label' | 'name' | 'autoComplete' | 'spellCheck' | 'required'>) {
  return <Field label="Recovery code" name="recovery_code" autoComplete="off" spellCheck={false} hint={HINT} required {...props} />
}
