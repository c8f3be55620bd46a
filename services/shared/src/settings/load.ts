// Reads a process's settings from the environment by their declaration (TypeBox schemas, one per group of settings, each
// setting with its type, default, bounds and description) through env-schema, and words every refusal as a sentence that
// names the variable. Only the declared settings are read: a process is never stopped by a setting that is not its own.
import { Ajv, type ErrorObject } from 'ajv'
import addFormats from 'ajv-formats'
import envSchema from 'env-schema'
import type { Static, TObject, TProperties } from 'typebox'

export class ConfigError extends Error {
  override name = 'ConfigError'
}

export type Env = Record<string, string | undefined>

/** What a setting may say beyond JSON Schema: `secret` keeps its value out of every message. */
interface SettingNotes {
  type?: unknown
  minimum?: number
  maximum?: number
  enum?: unknown[]
  anyOf?: Array<{ const?: unknown }>
  secret?: boolean
}

const ajv = new Ajv({ allErrors: true, verbose: true, coerceTypes: true, useDefaults: true, removeAdditional: true, strict: false })
addFormats.default(ajv)

const TRUE = /^(1|true|yes|on)$/i
const FALSE = /^(0|false|no|off)$/i

/** The declared settings present in the environment, trimmed; a blank value counts as unset (so its default applies). */
function declaredValues(properties: TProperties, env: Env): Record<string, string | boolean> {
  const values: Record<string, string | boolean> = {}
  for (const [name, schema] of Object.entries(properties)) {
    const raw = env[name]?.trim()
    if (raw === undefined || raw === '') continue
    // Booleans are written in several ways by operators; JSON Schema's coercion knows only true and false.
    if ((schema as SettingNotes).type === 'boolean' && (TRUE.test(raw) || FALSE.test(raw))) values[name] = TRUE.test(raw)
    else values[name] = raw
  }
  return values
}

function quoteAll(values: unknown[]): string {
  return values.map((value) => String(value)).join(', ')
}

/** One sentence for the first thing wrong with a setting: "PORT must be a whole number, got "eighty"". */
function sentence(error: ErrorObject, values: Record<string, string | boolean>): string {
  const name = error.instancePath.replace(/^\//, '')
  const schema = (error.parentSchema ?? {}) as SettingNotes
  const raw = values[name]
  const got = schema.secret ? '' : typeof raw === 'string' && !/^-?\d+(\.\d+)?$/.test(raw) ? `, got "${raw}"` : `, got ${raw}`
  switch (error.keyword) {
    case 'type':
      if (schema.type === 'integer' || schema.type === 'number') return `${name} must be a whole number${got}`
      if (schema.type === 'boolean') return `${name} must be true or false${got}`
      return `${name} is not valid${got}`
    case 'minimum':
    case 'maximum':
      return `${name} must be between ${schema.minimum} and ${schema.maximum}${got}`
    case 'enum':
      return `${name} must be one of ${quoteAll(schema.enum ?? [])}${got}`
    case 'anyOf':
      return `${name} must be one of ${quoteAll((schema.anyOf ?? []).map((member) => member.const))}${got}`
    case 'const':
      return `${name} must be ${quoteAll([(error.params as { allowedValue?: unknown }).allowedValue])}${got}`
    default:
      return `${name} is not valid${got}`
  }
}

/** The declared settings, validated and with their defaults; throws ConfigError naming the first setting that is wrong. */
export function readSettings<Properties extends TProperties>(schema: TObject<Properties>, env: Env): Static<TObject<Properties>> {
  const values = declaredValues(schema.properties, env)
  try {
    // env-schema sets additionalProperties on the schema it is given: give it a copy.
    return envSchema({ schema: { ...schema, properties: { ...schema.properties } }, data: values, env: false, ajv }) as Static<TObject<Properties>>
  } catch (error) {
    const errors = (error as { errors?: ErrorObject[] }).errors ?? []
    // A union's own error says more than those of its members.
    const first = errors.find((e) => e.keyword === 'anyOf') ?? errors.find((e) => e.instancePath !== '') ?? errors[0]
    throw new ConfigError(first ? sentence(first, values) : (error as Error).message)
  }
}
