// A labelled input that hands its value on after the user pauses typing (or presses Enter), not on every key.
import { type InputHTMLAttributes, useEffect, useEffectEvent, useRef, useState } from 'react'
import { Field } from './Field.tsx'

export const TYPING_PAUSE_MS = 300

export interface DebouncedFieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange'> {
  label: string
  hint?: string
  /** The committed value, e.g. from the address; the input follows it when it changes from outside (Back). */
  value: string
  onCommit: (value: string) => void
}

export function DebouncedField({ label, hint, value, onCommit, onKeyDown, ...input }: DebouncedFieldProps) {
  const [text, setText] = useState(value)
  const committed = useRef(value)
  const wanted = text.trim()

  function commit(next: string): void {
    committed.current = next
    onCommit(next)
  }
  // The timer hands on with the latest onCommit, and a new onCommit on each render does not restart it.
  const commitAfterPause = useEffectEvent(commit)

  useEffect(() => {
    if (value === committed.current) return
    committed.current = value
    setText(value)
  }, [value])

  useEffect(() => {
    if (wanted === committed.current) return
    const timer = setTimeout(() => commitAfterPause(wanted), TYPING_PAUSE_MS)
    return () => clearTimeout(timer)
  }, [wanted])

  return (
    <Field
      label={label}
      hint={hint}
      value={text}
      onChange={(event) => setText(event.target.value)}
      onKeyDown={(event) => {
        onKeyDown?.(event)
        if (event.key === 'Enter' && wanted !== committed.current) {
          event.preventDefault()
          commit(wanted)
        }
      }}
      {...input}
    />
  )
}
