// The password rules the server applies, checked as the user types (the server still has the last word: common passwords).
export const PASSWORD_MIN_LENGTH = 8
export const PASSWORD_MAX_LENGTH = 1024

export interface PasswordRule {
  label: string
  met: boolean
}

export function passwordRules(password: string, confirm: string, username: string): PasswordRule[] {
  const length = [...password].length
  return [
    { label: `At least ${PASSWORD_MIN_LENGTH} characters`, met: length >= PASSWORD_MIN_LENGTH && length <= PASSWORD_MAX_LENGTH },
    { label: 'Not the same as your username', met: password.length > 0 && password.toLowerCase() !== username.trim().toLowerCase() },
    { label: 'Both passwords match', met: password.length > 0 && password === confirm },
  ]
}
