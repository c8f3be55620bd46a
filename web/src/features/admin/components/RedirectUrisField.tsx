// The redirect URIs of an app, one per line, in the look of Field: its error announced and tied to it.
import { type TextareaHTMLAttributes, useId } from 'react'

export interface RedirectUrisFieldProps extends TextareaHTMLAttributes<HTMLTextAreaElement> {
  error?: string | undefined
}

/** The lines of the field as URIs: each trimmed, blank lines dropped. */
export function redirectUriLines(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
}

export function RedirectUrisField({ error, id, ...textarea }: RedirectUrisFieldProps) {
  const generated = useId()
  const fieldId = id ?? generated
  const hintId = `${fieldId}-hint`
  const errorId = `${fieldId}-error`
  return (
    <div className="field">
      <label htmlFor={fieldId}>Redirect URIs</label>
      <textarea
        id={fieldId}
        rows={3}
        spellCheck={false}
        aria-invalid={error ? true : undefined}
        aria-describedby={[error ? errorId : undefined, hintId].filter(Boolean).join(' ')}
        {...textarea}
      />
      {error && (
        <p className="field-error" id={errorId} role="alert">
          {error}
        </p>
      )}
      <p className="field-hint" id={hintId}>
        One per line: where the app may send users back after sign-in, each exactly as the app sends it (https://app.example/callback).
      </p>
    </div>
  )
}
