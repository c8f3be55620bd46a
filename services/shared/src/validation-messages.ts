// Turns JSON Schema validation errors into one human sentence per field ("Username must be 3 to 32 characters: …"), so that no
// raw schema text ("must match pattern "^[A-Za-z0-9]…"", "must be equal to constant") ever reaches a person. A schema may
// carry `title` (the field's label) and `errorMessage` (what to say when its value is refused); the rest is said per keyword.
import type { ErrorObject } from 'ajv'
import { type FieldError, fieldLabel, fieldProblem } from './errors.ts'
import { NO_NUL, PLAIN_TEXT } from './api/common.ts'

interface SchemaNotes {
  title?: unknown
  errorMessage?: unknown
  properties?: Record<string, SchemaNotes>
  anyOf?: Array<{ const?: unknown }>
  pattern?: unknown
}

const FORMATS: Record<string, string> = {
  email: 'must be an email address like name@example.com',
  'date-time': 'must be a date and time like 2026-01-31T12:00:00Z',
  uri: 'must be a full address like https://example.com/',
  uuid: 'must be an id like 0190e4a6-7c1b-7b5e-9f3a-1c2d3e4f5a6b',
}

const TYPES: Record<string, string> = {
  string: 'must be text',
  number: 'must be a number',
  integer: 'must be a whole number',
  boolean: 'must be true or false',
  object: 'must be an object',
  array: 'must be a list',
  null: 'must be null',
}

function quoteAll(values: unknown[]): string {
  const quoted = values.map((value) => JSON.stringify(value))
  return quoted.length <= 2 ? quoted.join(' or ') : `one of ${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}`
}

function notesOf(error: ErrorObject): SchemaNotes {
  return (error.parentSchema ?? {}) as SchemaNotes
}

/** What is wrong, for one keyword's failure, and its machine code. */
function explain(error: ErrorObject): { problem: string; code: string } {
  const params = error.params as Record<string, unknown>
  const schema = notesOf(error)
  switch (error.keyword) {
    case 'type':
      return { problem: TYPES[String(params.type)] ?? 'has the wrong type', code: 'type' }
    case 'minLength':
      return Number(params.limit) <= 1
        ? { problem: 'must not be empty', code: 'required' }
        : { problem: `must be at least ${params.limit} characters long`, code: 'too_short' }
    case 'maxLength':
      return { problem: `must be at most ${params.limit} characters long`, code: 'too_long' }
    case 'minimum':
    case 'exclusiveMinimum':
      return { problem: `must be at least ${params.limit}`, code: 'too_small' }
    case 'maximum':
    case 'exclusiveMaximum':
      return { problem: `must be at most ${params.limit}`, code: 'too_large' }
    case 'format':
      return { problem: FORMATS[String(params.format)] ?? `must be a valid ${params.format}`, code: 'format' }
    case 'pattern':
      if (schema.pattern === PLAIN_TEXT) return { problem: 'must not contain control characters or invisible formatting characters', code: 'pattern' }
      if (schema.pattern === NO_NUL) return { problem: 'must not contain the NUL character', code: 'pattern' }
      return { problem: 'contains characters that are not allowed here', code: 'pattern' }
    case 'const':
      return { problem: `must be ${quoteAll([params.allowedValue])}`, code: 'enum' }
    case 'enum':
      return { problem: `must be ${quoteAll((params.allowedValues as unknown[]) ?? [])}`, code: 'enum' }
    case 'anyOf': {
      const literals = (schema.anyOf ?? []).map((member) => member.const)
      if (literals.length > 0 && literals.every((value) => value !== undefined)) return { problem: `must be ${quoteAll(literals)}`, code: 'enum' }
      return { problem: 'is not valid', code: 'invalid' }
    }
    case 'minProperties': {
      const names = Object.keys(schema.properties ?? {})
      return { problem: names.length > 0 ? `must change at least one of ${names.join(', ')}` : 'must not be empty', code: 'empty' }
    }
    default:
      return { problem: 'is not valid', code: 'invalid' }
  }
}

function joinField(part: string, base: string, name: string): string {
  if (base !== '') return `${base}.${name}`
  return part === 'body' ? name : `${part}.${name}`
}

/** One sentence per field, in the order the fields failed. `part` is the request part validated: body, querystring, params. */
export function fieldErrorsFromValidation(errors: readonly ErrorObject[], part: string): FieldError[] {
  const byField = new Map<string, ErrorObject[]>()
  const sentences = new Map<string, FieldError>()
  for (const error of errors) {
    const params = error.params as Record<string, unknown>
    const base = error.instancePath.replace(/^\//, '').replaceAll('/', '.')
    // A missing or unknown field is said of that field, with the label its own schema gives it.
    if (error.keyword === 'required' && typeof params.missingProperty === 'string') {
      const field = joinField(part, base, params.missingProperty)
      const title = notesOf(error).properties?.[params.missingProperty]?.title
      if (!sentences.has(field)) sentences.set(field, fieldProblem(field, 'is required', 'required', typeof title === 'string' ? title : fieldLabel(field)))
      continue
    }
    if (error.keyword === 'additionalProperties' && typeof params.additionalProperty === 'string') {
      const field = joinField(part, base, params.additionalProperty)
      if (!sentences.has(field))
        sentences.set(field, fieldProblem(field, 'is not a field this request takes', 'unknown_field', `"${params.additionalProperty}"`))
      continue
    }
    const field = base === '' ? part : base
    byField.set(field, [...(byField.get(field) ?? []), error])
  }
  for (const [field, group] of byField) {
    if (sentences.has(field)) continue
    // The outermost schema speaks for the field: a union's own words before those of the member that came closest.
    const outermostFirst = [...group].sort((a, b) => a.schemaPath.split('/').length - b.schemaPath.split('/').length)
    const title = outermostFirst.map((error) => notesOf(error).title).find((value) => typeof value === 'string') as string | undefined
    const label = field === part ? `The ${part === 'body' ? 'request body' : part}` : (title ?? fieldLabel(field))
    const custom = outermostFirst.find((error) => typeof notesOf(error).errorMessage === 'string')
    const chosen = outermostFirst.find((error) => error.keyword === 'anyOf') ?? outermostFirst.find((error) => error.keyword !== 'type') ?? outermostFirst[0]
    if (!chosen) continue
    const { problem, code } = explain(custom ?? chosen)
    sentences.set(field, fieldProblem(field, custom ? String(notesOf(custom).errorMessage) : problem, code, label))
  }
  return [...sentences.values()]
}
