// A new password as the forms check it: the shared rules with the server's settings, and the web's own "both match".
import { checkPassword, type PasswordContext, type PasswordPolicy, passwordProblems } from '@portcullis/shared/passwords/rules'
import { fieldSentence } from './use-form-errors.ts'

export interface ChecklistItem {
  label: string
  met: boolean
}

/** The checklist under a new password: each shared rule (once the settings are known), then whether the confirmation matches. */
export function passwordChecklist(password: string, confirm: string, policy: PasswordPolicy | undefined, context: PasswordContext): ChecklistItem[] {
  const rules = policy ? checkPassword(password, policy, context).map((check) => ({ label: check.rule, met: check.met })) : []
  return [...rules, { label: 'Both passwords match', met: password.length > 0 && password === confirm }]
}

/**
 * What is wrong with a new password, one sentence per broken rule as the server says them ("Password must be at least 8
 * characters long."); undefined when nothing is. Without the settings only emptiness is checked: the server has the last word.
 */
export function newPasswordError(label: string, password: string, policy: PasswordPolicy | undefined, context: PasswordContext): string | undefined {
  if (password.length === 0) return fieldSentence(label, 'is required')
  if (!policy) return undefined
  const problems = passwordProblems(password, policy, context)
  return problems.length > 0 ? problems.map((check) => fieldSentence(label, check.problem)).join(' ') : undefined
}

/** The confirmation's problem, in the server's words. */
export function confirmationError(password: string, confirm: string): string | undefined {
  return password.length > 0 && confirm !== password ? fieldSentence('The confirmation', 'does not match the password') : undefined
}
