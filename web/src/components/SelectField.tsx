// A labelled select in the look of Field.
import { type SelectHTMLAttributes, useId } from 'react'

export interface SelectFieldProps extends SelectHTMLAttributes<HTMLSelectElement> {
  label: string
  options: ReadonlyArray<{ value: string; label: string }>
}

export function SelectField({ label, options, id, ...select }: SelectFieldProps) {
  const generated = useId()
  const selectId = id ?? generated
  return (
    <div className="field">
      <label htmlFor={selectId}>{label}</label>
      <select id={selectId} {...select}>
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  )
}
