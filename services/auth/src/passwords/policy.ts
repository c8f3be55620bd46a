// The password policy as auth applies it: the shared rules (services/shared/src/passwords/rules.ts) with this deployment's
// settings, plus the 49,000 most common passwords, which only the server holds.
import { dictionary } from '@zxcvbn-ts/language-common'
import type { AuthConfig } from '../config.ts'
import { type FieldError, fieldProblem } from '@portcullis/shared/errors'
import { type PasswordContext, type PasswordPolicy, passwordProblems } from '@portcullis/shared/passwords/rules'
import { PRODUCT_NAME } from '@portcullis/shared/product'

export const PASSWORD_MAX_LENGTH = 1024

const commonPasswords: ReadonlySet<string> = new Set((dictionary['passwords-common'] as string[]).map((password) => password.toLowerCase()))

export function isCommonPassword(password: string): boolean {
  return commonPasswords.has(password.toLowerCase())
}

export function passwordPolicy(config: Pick<AuthConfig, 'passwordMinLength'>): PasswordPolicy {
  return { minLength: config.passwordMinLength, maxLength: PASSWORD_MAX_LENGTH, productName: PRODUCT_NAME }
}

/** What is wrong with a new password, as one sentence per broken rule for the given field; empty when it is acceptable. */
export function newPasswordProblems(field: string, password: string, policy: PasswordPolicy, context: PasswordContext, label?: string): FieldError[] {
  return passwordProblems(password, policy, context, { isCommon: isCommonPassword }).map((check) => fieldProblem(field, check.problem, check.code, label))
}
