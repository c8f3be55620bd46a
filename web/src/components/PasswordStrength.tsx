// A strength meter beside the rules: zxcvbn's score as a word and a <meter>, and its warning about this password.
import { useId } from 'react'
import { STRENGTH_WORDS } from '../lib/password-strength.ts'
import { usePasswordStrength } from '../lib/use-password-strength.ts'

export function PasswordStrength({ password, userInputs }: { password: string; userInputs: readonly string[] }) {
  const strength = usePasswordStrength(password, userInputs)
  const labelId = useId()
  const word = strength ? STRENGTH_WORDS[strength.score] : undefined
  return (
    <div className="password-strength" aria-live="polite">
      {strength && word && (
        <>
          <p className="strength-line">
            <span id={labelId}>Strength:</span>{' '}
            <meter aria-labelledby={labelId} aria-valuetext={word} min={0} max={4} low={2} high={3} optimum={4} value={strength.score} />{' '}
            <strong className={`strength-word score-${strength.score}`}>{word}</strong>
          </p>
          {strength.warning && <p className="strength-warning">{strength.warning}</p>}
        </>
      )}
    </div>
  )
}
