// JSON Schema validation at the edge: bodies are taken as sent (no coercion, no unknown fields); query strings and params are coerced.
import type { FastifySchemaCompiler } from 'fastify'
import { Ajv, type Options } from 'ajv'
import addFormats from 'ajv-formats'

function makeAjv(options: Options): Ajv {
  // verbose: each error carries the schema that refused it, whose title and errorMessage make the human sentence.
  const ajv = new Ajv({ allErrors: true, verbose: true, removeAdditional: false, useDefaults: true, strict: false, ...options })
  addFormats.default(ajv)
  return ajv
}

const bodyAjv = makeAjv({ coerceTypes: false })
const urlAjv = makeAjv({ coerceTypes: 'array' })

export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) => {
  const ajv = httpPart === 'body' ? bodyAjv : urlAjv
  return ajv.compile(schema as object)
}

/** Whether a value passes a schema of ours as a request body would: for input that arrives another way (command line flags). */
export function conformsTo(schema: object, value: unknown): boolean {
  return bodyAjv.validate(schema, value)
}
