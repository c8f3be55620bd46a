// The password rules of DESIGN.md: a minimum length, no truncation, no composition rules, and no common password.
import { dictionary } from '@zxcvbn-ts/language-common'
import type { FieldError } from '@portcullis/shared/errors'

export const PASSWORD_MAX_LENGTH = 1024

const commonPasswords: ReadonlySet<string> = new Set(
  (dictionary['passwords-common'] as string[]).map((password) => password.toLowerCase()),
)

export function isCommonPassword(password: string): boolean {
  return commonPasswords.has(password.toLowerCase())
}

export interface PasswordContext {
  minLength: number
  username?: string | undefined
  email?: string | null | undefined
}

/** Returns what is wrong with a new password, as messages for the given field; empty when it is acceptable. */
export function passwordProblems(field: string, password: string, context: PasswordContext): FieldError[] {
  const problems: FieldError[] = []
  const length = [...password].length
  if (length < context.minLength) problems.push({ field, message: `must be at least ${context.minLength} characters long` })
  if (length > PASSWORD_MAX_LENGTH) problems.push({ field, message: `must be at most ${PASSWORD_MAX_LENGTH} characters long` })
  if (isCommonPassword(password)) problems.push({ field, message: 'is too common; choose one that is harder to guess' })
  const lower = password.toLowerCase()
  if (context.username && lower === context.username.toLowerCase()) {
    problems.push({ field, message: 'must not be the same as the username' })
  }
  if (context.email && lower === context.email.toLowerCase()) {
    problems.push({ field, message: 'must not be the same as the email address' })
  }
  return problems
}
