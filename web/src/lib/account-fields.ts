// The account fields a person types, checked as the API's own schemas describe them (pattern, length, and the sentence the
// server says when a value is refused), so that a form can name every problem before it sends anything.
import { Email, USERNAME_PATTERN, Username } from '@portcullis/shared/api/auth'
import { PLAIN_TEXT } from '@portcullis/shared/api/common'
import { DisplayName } from '@portcullis/shared/api/user'
import { fieldSentence } from './use-form-errors.ts'

/** A schema's note for people (`title`, `errorMessage`): the server words its refusals with them. */
function note(schema: object, key: 'title' | 'errorMessage', fallback: string): string {
  const value: unknown = Reflect.get(schema, key)
  return typeof value === 'string' ? value : fallback
}

function maxLength(schema: object, fallback: number): number {
  const value: unknown = Reflect.get(schema, 'maxLength')
  return typeof value === 'number' ? value : fallback
}

export const EMAIL_MAX_LENGTH = maxLength(Email, 254)
/** What a new username may be, in the few words a form shows under the field. */
export const USERNAME_HINT = '3 to 32 letters, digits, dots, dashes or underscores'
export const DISPLAY_NAME_MAX_LENGTH = maxLength(DisplayName, 100)

const username = new RegExp(USERNAME_PATTERN)
const plainText = new RegExp(PLAIN_TEXT, 'u')
// Only the shape: the server's email format check has the last word.
const emailShape = /^[^\s@]+@[^\s@]+$/

export function usernameError(value: string): string | undefined {
  return username.test(value) ? undefined : fieldSentence(note(Username, 'title', 'Username'), note(Username, 'errorMessage', 'is not a valid username'))
}

/** An empty email is left to the caller: optional on sign-up, "remove it" on the profile. */
export function emailError(value: string): string | undefined {
  if (value === '' || (emailShape.test(value) && value.length <= EMAIL_MAX_LENGTH)) return undefined
  return fieldSentence(note(Email, 'title', 'Email'), note(Email, 'errorMessage', 'must be an email address'))
}

export function displayNameError(value: string): string | undefined {
  if (value === '' || ([...value].length <= DISPLAY_NAME_MAX_LENGTH && plainText.test(value))) return undefined
  return fieldSentence(note(DisplayName, 'title', 'Display name'), note(DisplayName, 'errorMessage', 'is not valid'))
}
