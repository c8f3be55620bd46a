// Schemas every API shares: problem details, users as the API shows them.
import { type Static, Type } from 'typebox'

export const NO_NUL = '^[^\\u0000]*$'

export const FieldErrorSchema = Type.Object({ field: Type.String(), message: Type.String() })

export const ProblemSchema = Type.Object({
  type: Type.String(),
  title: Type.String(),
  status: Type.Integer(),
  detail: Type.Optional(Type.String()),
  code: Type.String(),
  instance: Type.Optional(Type.String()),
  request_id: Type.String(),
  errors: Type.Optional(Type.Array(FieldErrorSchema)),
})
export type ProblemBody = Static<typeof ProblemSchema>

export const RoleSchema = Type.Union([Type.Literal('user'), Type.Literal('admin')])
export const UserStatusSchema = Type.Union([Type.Literal('active'), Type.Literal('disabled')])

export const UserSchema = Type.Object({
  id: Type.String(),
  username: Type.String(),
  email: Type.Union([Type.String(), Type.Null()]),
  display_name: Type.Union([Type.String(), Type.Null()]),
  role: RoleSchema,
  status: UserStatusSchema,
  created_at: Type.String({ format: 'date-time' }),
  last_login_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
})
export type UserBody = Static<typeof UserSchema>
