// A labelled checkbox with a line saying what it means.
import { type InputHTMLAttributes, useId } from 'react'

export interface CheckboxFieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'type'> {
  label: string
  hint: string
}

export function CheckboxField({ label, hint, id, ...input }: CheckboxFieldProps) {
  const generated = useId()
  const inputId = id ?? generated
  const hintId = `${inputId}-hint`
  return (
    <div className="field checkbox-field">
      <div className="checkbox-line">
        <input id={inputId} type="checkbox" aria-describedby={hintId} {...input} />
        <label htmlFor={inputId}>{label}</label>
      </div>
      <p className="field-hint" id={hintId}>
        {hint}
      </p>
    </div>
  )
}
