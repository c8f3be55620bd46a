// The error answers a route declares in its schema: for each status, problem+json whose `code` is one of the problems the
// route can answer with. /docs shows them, and docs/errors.md says which routes answer which code from these declarations.
import { type TSchema, Type } from 'typebox'
import { ProblemSchema } from '../api/common.ts'
import type { ProblemFactory } from './define.ts'

/** `response: { 200: TokenResponse, ...problemResponses(InvalidCredentials, AccountDisabled, TooManyAttempts) }` */
export function problemResponses(...problems: ProblemFactory[]): Record<number, TSchema> {
  const codesByStatus = new Map<number, string[]>()
  for (const { problem } of problems) codesByStatus.set(problem.status, [...(codesByStatus.get(problem.status) ?? []), problem.code])
  return Object.fromEntries(
    [...codesByStatus].map(([status, codes]) => [
      status,
      Type.Object({ ...ProblemSchema.properties, code: Type.Union(codes.map((code) => Type.Literal(code))) }, { description: codes.join(', ') }),
    ]),
  )
}
