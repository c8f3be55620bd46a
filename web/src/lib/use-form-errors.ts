// A form's problems, from its own checks or from the server's answer: every field's at once, each at its field, and the
// first invalid field focused; what belongs to no field of the form goes above it.
import { type RefObject, useEffect, useRef, useState } from 'react'
import { describeError, ProblemError } from './problem.ts'

export type FieldErrors<Field extends string> = Partial<Record<Field, string>>

export interface FormErrorsOptions<Field extends string> {
  /** The fields this form shows, as the API names them. */
  fields: readonly Field[]
  /** Problems without field errors that still concern one field, by code: `{ username_taken: 'username' }`. */
  fieldOfCode?: Partial<Record<string, Field>>
}

export interface FormErrors<Field extends string> {
  form: RefObject<HTMLFormElement | null>
  errors: FieldErrors<Field>
  /** A message for the whole form: a problem of no field here, or a failure to reach the server. */
  formError: string | undefined
  /** Shows the form's own findings (replacing what was shown); true when there is anything to fix. */
  showFieldErrors: (errors: FieldErrors<Field>) => boolean
  /** Shows a failed request: its field errors at their fields, the rest above the form. */
  showFailure: (error: unknown) => void
  /** The user has changed a field: its message has done its job. */
  clearField: (field: Field) => void
  clearAll: () => void
}

/** A sentence from a field's label and what is wrong with it, as the server writes them: "Password must be …". */
export function fieldSentence(label: string, problem: string): string {
  const sentence = `${label} ${problem}`.trim()
  return /[.!?]$/.test(sentence) ? sentence : `${sentence}.`
}

function hasAny(errors: FieldErrors<string>): boolean {
  return Object.values(errors).some(Boolean)
}

/** The field errors of a failed request that this form can show at its fields, and a message for the rest. */
export function splitFailure<Field extends string>(
  error: unknown,
  options: FormErrorsOptions<Field>,
): { errors: FieldErrors<Field>; formError: string | undefined } {
  if (!(error instanceof ProblemError)) return { errors: {}, formError: describeError(error) }
  const known: readonly string[] = options.fields
  const errors: FieldErrors<Field> = {}
  const elsewhere: string[] = []
  for (const fieldError of error.fieldErrors) {
    if (known.includes(fieldError.field)) {
      const field = fieldError.field as Field
      errors[field] = errors[field] ? `${errors[field]} ${fieldError.message}` : fieldError.message
    } else {
      elsewhere.push(fieldError.message)
    }
  }
  const coded = options.fieldOfCode?.[error.code]
  if (coded && !errors[coded]) errors[coded] = error.message
  if (!hasAny(errors)) return { errors, formError: describeError(error) }
  return { errors, formError: elsewhere.length > 0 ? elsewhere.join(' ') : undefined }
}

export function useFormErrors<Field extends string>(options: FormErrorsOptions<Field>): FormErrors<Field> {
  const form = useRef<HTMLFormElement>(null)
  const [errors, setErrors] = useState<FieldErrors<Field>>({})
  const [formError, setFormError] = useState<string>()
  // Bumped each time problems are shown, so that focus moves again on a second failed submit with the same problems.
  const [shown, setShown] = useState(0)

  useEffect(() => {
    if (shown === 0) return
    form.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus()
  }, [shown])

  function show(next: FieldErrors<Field>, message: string | undefined): boolean {
    setErrors(next)
    setFormError(message)
    const any = hasAny(next)
    if (any) setShown((count) => count + 1)
    return any
  }

  return {
    form,
    errors,
    formError,
    showFieldErrors: (next) => show(next, undefined),
    showFailure: (error) => {
      const split = splitFailure(error, options)
      show(split.errors, split.formError)
    },
    clearField: (field) => setErrors((current) => (current[field] ? { ...current, [field]: undefined } : current)),
    clearAll: () => show({}, undefined),
  }
}
