// The password rules (docs/tokens-and-sessions.md, after NIST SP 800-63B), stated once for the server (which enforces them)
// and the web (which shows them as the user types): a length, no repetition, no sequence, nothing built from the account's
// own names or the product's, and (where the caller has the list) no common password. No composition rules.

export interface PasswordPolicy {
  minLength: number
  maxLength: number
  /** The product's name, which a password must not be built from (NIST: "the name of the service"). */
  productName: string
}

/** What a password must not be built from, besides the product name. */
export interface PasswordContext {
  username?: string | null | undefined
  email?: string | null | undefined
}

export type PasswordRuleCode = 'length' | 'repetitive' | 'sequential' | 'context' | 'common'

export interface PasswordCheck {
  code: PasswordRuleCode
  /** The rule as a checklist shows it: "At least 8 characters". */
  rule: string
  /** What is wrong when it is not met, to follow the field's name: "must be at least 8 characters long". */
  problem: string
  met: boolean
}

export interface PasswordCheckOptions {
  /** The common-password list lives on the server; without it the rule is left out. */
  isCommon?: (password: string) => boolean
}

const KEYBOARD_ROWS = ['1234567890', 'qwertyuiop', 'asdfghjkl', 'zxcvbnm', 'qwertzuiop', 'azertyuiop', '1qaz2wsx3edc4rfv', 'qazwsxedc']

/** A run shorter than this is not a sequence worth refusing (every password has "ab" or "23" somewhere). */
const SHORTEST_SEQUENCE = 4

/** 0→o, 1→i, 3→e, 4→a, 5→s, 7→t, @→a, $→s: "p0rtcull1s" is still the product's name. */
function unLeet(text: string): string {
  return text.replace(/[013457@$!]/g, (c) => ({ '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '@': 'a', $: 's', '!': 'i' })[c] ?? c)
}

function characters(password: string): string[] {
  return [...password.toLowerCase()]
}

/** "aaaaaaaa", "abababab", "aaaaaaa1", "abcabcabc", "passpass": at most two different characters, or a short unit repeated. */
export function isRepetitive(password: string): boolean {
  const chars = characters(password)
  if (chars.length === 0) return false
  if (new Set(chars).size <= 2) return true
  for (let unit = 1; unit <= Math.min(4, Math.floor(chars.length / 2)); unit++) {
    if (chars.every((c, i) => c === chars[i % unit])) return true
  }
  return false
}

/** The longest stretch of the password that steps through the alphabet, the digits or a keyboard row, either way. */
function longestSequence(password: string): number {
  const chars = characters(password)
  let longest = chars.length > 0 ? 1 : 0
  // Steps of +1 or -1 in the character code: abcd, 4321.
  let run = 1
  let step = 0
  for (let i = 1; i < chars.length; i++) {
    const delta = (chars[i]?.codePointAt(0) ?? 0) - (chars[i - 1]?.codePointAt(0) ?? 0)
    if ((delta === 1 || delta === -1) && (run === 1 || delta === step)) {
      run++
      step = delta
    } else {
      run = delta === 1 || delta === -1 ? 2 : 1
      step = delta
    }
    longest = Math.max(longest, run)
  }
  // Keyboard rows, forwards and backwards: qwertyui, lkjhgfds.
  const text = chars.join('')
  for (const row of KEYBOARD_ROWS) {
    for (const line of [row, [...row].reverse().join('')]) {
      for (let length = Math.min(line.length, text.length); length > longest; length--) {
        let found = false
        for (let start = 0; start + length <= line.length && !found; start++) found = text.includes(line.slice(start, start + length))
        if (found) {
          longest = length
          break
        }
      }
    }
  }
  return longest
}

/** "12345678", "abcdefgh", "qwertyuiop", "87654321!": a sequence covering all but at most two characters. */
export function isSequential(password: string): boolean {
  const length = characters(password).length
  const sequence = longestSequence(password)
  return sequence >= SHORTEST_SEQUENCE && sequence >= length - 2
}

/** The words a password must not be built from: the username, the email, its parts, the product name (lower case, at least 3 characters). */
export function contextWords(policy: PasswordPolicy, context: PasswordContext): string[] {
  const words = new Set<string>()
  const add = (word: string | null | undefined) => {
    const clean = word?.trim().toLowerCase()
    if (clean && [...clean].length >= 3) words.add(clean)
  }
  add(policy.productName)
  add(context.username)
  for (const part of (context.username ?? '').split(/[._-]+/)) add(part)
  if (context.email) {
    add(context.email)
    const [local, domain] = context.email.toLowerCase().split('@')
    add(local)
    for (const part of (local ?? '').split(/[._+-]+/)) add(part)
    add(domain?.split('.')[0])
  }
  // Longest first, so "alice.smith" goes before "alice".
  return [...words].sort((a, b) => b.length - a.length)
}

/** "alice2024", "Portcullis!", "p0rtcull1s123", "alicealice": what is left without the context words is shorter than the minimum. */
export function isBuiltFromContext(password: string, policy: PasswordPolicy, context: PasswordContext): boolean {
  const lower = password.toLowerCase()
  for (const text of new Set([lower, unLeet(lower)])) {
    let rest = text
    let found = false
    for (const word of contextWords(policy, context)) {
      for (const form of new Set([word, unLeet(word)])) {
        if (rest.includes(form)) {
          found = true
          rest = rest.split(form).join('')
        }
      }
    }
    if (found && [...rest].length < policy.minLength) return true
  }
  return false
}

/** Every rule, met or not, in the order a checklist shows them. */
export function checkPassword(password: string, policy: PasswordPolicy, context: PasswordContext = {}, options: PasswordCheckOptions = {}): PasswordCheck[] {
  const length = [...password].length
  const empty = length === 0
  const tooLong = length > policy.maxLength
  const checks: PasswordCheck[] = [
    {
      code: 'length',
      rule: `At least ${policy.minLength} characters`,
      problem: tooLong ? `must be at most ${policy.maxLength} characters long` : `must be at least ${policy.minLength} characters long`,
      met: length >= policy.minLength && !tooLong,
    },
    {
      code: 'repetitive',
      rule: 'Not one character or a short pattern repeated',
      problem: 'must not repeat one character or a short pattern (like aaaaaaaa or abcabcabc)',
      met: !empty && !isRepetitive(password),
    },
    {
      code: 'sequential',
      rule: 'Not a sequence like 12345678 or qwertyui',
      problem: 'must not be a sequence of letters, digits or keys (like 12345678, abcdefgh or qwertyui)',
      met: !empty && !isSequential(password),
    },
    {
      code: 'context',
      rule: `Not built from your username, your email or the name ${policy.productName}`,
      problem: `must not be built from your username, your email address or the name ${policy.productName}`,
      met: !empty && !isBuiltFromContext(password, policy, context),
    },
  ]
  if (options.isCommon) {
    checks.push({
      code: 'common',
      rule: 'Not a commonly used password',
      problem: 'is too common; choose one that is harder to guess',
      met: !empty && !options.isCommon(password),
    })
  }
  return checks
}

/** The rules a password breaks; empty when it is acceptable. */
export function passwordProblems(password: string, policy: PasswordPolicy, context: PasswordContext = {}, options: PasswordCheckOptions = {}): PasswordCheck[] {
  return checkPassword(password, policy, context, options).filter((check) => !check.met)
}
