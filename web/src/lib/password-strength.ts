// How hard a password is to guess, by zxcvbn-ts. Its dictionaries are large, so they are fetched the first time a
// password is typed, never with the first page.
export type StrengthScore = 0 | 1 | 2 | 3 | 4

export interface PasswordStrength {
  score: StrengthScore
  /** zxcvbn's warning about this password ("This is a top-10 common password."), if any. */
  warning: string | undefined
  suggestions: string[]
}

export type MeasureStrength = (password: string, userInputs: readonly string[]) => PasswordStrength

export const STRENGTH_WORDS: Record<StrengthScore, string> = { 0: 'Very weak', 1: 'Weak', 2: 'Fair', 3: 'Good', 4: 'Strong' }

let loading: Promise<MeasureStrength> | undefined

/** The estimator, loaded once; a failed load (offline) may be tried again. */
export function loadStrengthMeter(): Promise<MeasureStrength> {
  loading ??= (async () => {
    const [{ ZxcvbnFactory }, common, english] = await Promise.all([
      import('@zxcvbn-ts/core'),
      import('@zxcvbn-ts/language-common'),
      import('@zxcvbn-ts/language-en'),
    ])
    const zxcvbn = new ZxcvbnFactory({
      dictionary: { ...common.dictionary, ...english.dictionary },
      graphs: common.adjacencyGraphs,
      translations: english.translations,
    })
    return (password, userInputs) => {
      const result = zxcvbn.check(password, [...userInputs].filter(Boolean))
      return { score: result.score, warning: result.feedback.warning || undefined, suggestions: result.feedback.suggestions }
    }
  })()
  loading.catch(() => {
    loading = undefined
  })
  return loading
}
