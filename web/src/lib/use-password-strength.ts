// The strength of the password being typed; undefined while it is empty or the estimator is still on its way.
import { useEffect, useMemo, useState } from 'react'
import { loadStrengthMeter, type MeasureStrength, type PasswordStrength } from './password-strength.ts'

export function usePasswordStrength(password: string, userInputs: readonly string[]): PasswordStrength | undefined {
  const [measure, setMeasure] = useState<MeasureStrength>()
  const typed = password.length > 0
  useEffect(() => {
    if (!typed || measure) return
    let current = true
    loadStrengthMeter().then(
      (loaded) => current && setMeasure(() => loaded),
      () => undefined, // offline: no meter, the rules still show
    )
    return () => {
      current = false
    }
  }, [typed, measure])
  const inputs = userInputs.join('\n')
  return useMemo(() => (measure && typed ? measure(password, inputs.split('\n')) : undefined), [measure, typed, password, inputs])
}
