// How every package declares its problems: a named error factory per problem, with its stable code, its HTTP status, the
// sentence a client sees, and what it means. Every factory lands in one catalogue, which docs/errors.md is written from.
import createError from '@fastify/error'

/** Extra members an error may carry into its problem+json answer. */
export interface ProblemExtras {
  retryAfter?: number
  fieldErrors?: Array<{ field: string; message: string; code?: string }>
  wwwAuthenticate?: string
}

export interface ProblemDefinition {
  /** The stable, documented code, snake_case: `invalid_credentials`. */
  code: string
  status: number
  /** The default `detail`, a sentence for people; `%s` is filled from the factory's arguments. */
  message: string
  /** What it means for a client and what to do about it, for docs/errors.md. */
  meaning: string
  /** The package that declares it: shared, auth, user, admin, gateway. */
  owner: string
}

/** An error a Portcullis process answers with: its problem code and status, and what the answer carries besides. */
export type ProblemError = Error & ProblemExtras & { code: string; statusCode: number }

/** A problem's error class: `throw new InvalidCredentials()`, `new UpstreamTimeout('user')` (fills the message's %s). */
export interface ProblemFactory {
  new (...args: Array<string | number | { cause: unknown }>): ProblemError
  readonly problem: ProblemDefinition
}

const catalogue = new Map<string, ProblemDefinition>()
/** @fastify/error upper-cases codes; the API speaks them in snake_case. */
const byUpperCode = new Map<string, string>()

/** The factory-maker of one package: `const define = problemsOf('auth')`. */
export function problemsOf(owner: string) {
  return (code: string, status: number, message: string, meaning: string): ProblemFactory => {
    if (!/^[a-z][a-z0-9_]*$/.test(code)) throw new Error(`problem code ${code} is not snake_case`)
    const known = catalogue.get(code)
    if (known) throw new Error(`problem code ${code} is declared twice (by ${known.owner} and ${owner})`)
    const problem: ProblemDefinition = { code, status, message, meaning, owner }
    catalogue.set(code, problem)
    byUpperCode.set(code.toUpperCase(), code)
    return Object.assign(createError(code, message, status), { problem }) as unknown as ProblemFactory
  }
}

/** The API code of one of our problems, or undefined for any other error. */
export function problemCode(error: { code?: unknown }): string | undefined {
  return typeof error.code === 'string' ? byUpperCode.get(error.code) : undefined
}

/** Every problem declared by the modules loaded so far. */
export function declaredProblems(): ProblemDefinition[] {
  return [...catalogue.values()]
}
