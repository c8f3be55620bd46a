// Request and response schemas of the admin service's routes, shared with the web client.
import { type Static, Type } from 'typebox'
import { Email, Username } from './auth.ts'
import { EventPartySchema, PLAIN_TEXT, RoleSchema, UserSchema, UserStatusSchema } from './common.ts'

export { IdParams as UserIdParams } from './auth.ts'

export const PAGE_LIMIT_DEFAULT = 20
export const PAGE_LIMIT_MAX = 100

const Limit = Type.Integer({ minimum: 1, maximum: PAGE_LIMIT_MAX, default: PAGE_LIMIT_DEFAULT, description: 'items per page' })
const Cursor = Type.String({
  minLength: 1,
  maxLength: 512,
  pattern: '^[A-Za-z0-9_-]+$',
  title: 'Cursor',
  description: 'next_cursor of the previous page',
  errorMessage: 'must be the next_cursor of the page before, as it was given',
})
const NextCursor = Type.Union([Type.String(), Type.Null()], { description: 'pass as cursor for the next page; null on the last page' })
const Count = Type.Integer({ minimum: 0 })

export const AuditEventSchema = Type.Object({
  id: Type.String(),
  at: Type.String({ format: 'date-time' }),
  type: Type.String(),
  user_id: Type.Union([Type.String(), Type.Null()]),
  actor_id: Type.Union([Type.String(), Type.Null()]),
  /** The account the event is about, by username (null when none, or when the account has since been deleted). */
  user: Type.Union([EventPartySchema, Type.Null()]),
  /** Who did it: the user themselves, an admin, a service client by name, or the command line. */
  actor: Type.Union([EventPartySchema, Type.Null()]),
  ip: Type.Union([Type.String(), Type.Null()]),
  user_agent: Type.Union([Type.String(), Type.Null()]),
  detail: Type.Union([Type.Object({}, { additionalProperties: true }), Type.Null()]),
})
export type AuditEventBody = Static<typeof AuditEventSchema>

export const AdminDashboardResponse = Type.Object({
  counts: Type.Object({
    users: Type.Object({
      total: Count,
      by_role: Type.Object({ user: Count, admin: Count }),
      by_status: Type.Object({ active: Count, disabled: Count }),
    }),
    new_users: Type.Object({ last_24h: Count, last_7d: Count }),
    active_sessions: Count,
    failed_logins_24h: Count,
  }),
  recent_events: Type.Array(AuditEventSchema, { description: 'the 20 newest audit events, newest first' }),
})
export type AdminDashboardResponse = Static<typeof AdminDashboardResponse>

function userSort(options: { default?: string } = {}) {
  return Type.Union([Type.Literal('created_at'), Type.Literal('-created_at'), Type.Literal('username'), Type.Literal('-username')], {
    description: 'a leading "-" sorts descending',
    ...options,
  })
}

export const UserSortSchema = userSort()
export type UserSort = Static<typeof UserSortSchema>

export const UserListQuery = Type.Object(
  {
    limit: Type.Optional(Limit),
    cursor: Type.Optional(Cursor),
    q: Type.Optional(Type.String({ maxLength: 254, pattern: PLAIN_TEXT, title: 'Search', description: 'case-insensitive prefix of the username or email' })),
    role: Type.Optional(RoleSchema),
    status: Type.Optional(UserStatusSchema),
    sort: Type.Optional(userSort({ default: '-created_at' })),
  },
  { additionalProperties: false },
)
export type UserListQuery = Static<typeof UserListQuery>

export const UserListResponse = Type.Object({
  users: Type.Array(UserSchema),
  total: Type.Integer({ minimum: 0, description: 'users matching q, role and status, on every page' }),
  next_cursor: NextCursor,
})
export type UserListResponse = Static<typeof UserListResponse>

export const UserChangeRequest = Type.Object(
  { role: Type.Optional(RoleSchema), status: Type.Optional(UserStatusSchema) },
  { additionalProperties: false, minProperties: 1 },
)
export type UserChangeRequest = Static<typeof UserChangeRequest>

export const AuditEventsQuery = Type.Object(
  {
    limit: Type.Optional(Limit),
    cursor: Type.Optional(Cursor),
    type: Type.Optional(
      Type.String({ minLength: 1, maxLength: 48, pattern: '^[a-z0-9_]+$', title: 'Event type', errorMessage: 'must be an event type such as login_failed' }),
    ),
    user_id: Type.Optional(
      Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9-]+$', title: 'User id', errorMessage: 'must be the id of a user' }),
    ),
    since: Type.Optional(Type.String({ format: 'date-time', description: 'events at or after this time' })),
    until: Type.Optional(Type.String({ format: 'date-time', description: 'events before this time' })),
  },
  { additionalProperties: false },
)
export type AuditEventsQuery = Static<typeof AuditEventsQuery>

export const AuditEventsResponse = Type.Object({
  events: Type.Array(AuditEventSchema),
  next_cursor: NextCursor,
})
export type AuditEventsResponse = Static<typeof AuditEventsResponse>

/** POST /admin/users/invite: an account made for someone, who chooses a password through the link mailed to them. */
export const InviteUserRequest = Type.Object({ username: Username, email: Email, role: Type.Optional(RoleSchema) }, { additionalProperties: false })
export type InviteUserRequest = Static<typeof InviteUserRequest>

/** A mail the sender has not delivered yet after at least one failed try. */
export const MailFailureSchema = Type.Object({
  id: Type.String(),
  kind: Type.String({ description: 'the template: reset_password, verify_email, password_changed, email_change_requested, invite' }),
  recipient: Type.String(),
  subject: Type.String(),
  user: Type.Union([Type.Object({ id: Type.String(), username: Type.String() }), Type.Null()], { description: 'the account the mail is about' }),
  attempts: Type.Integer({ minimum: 1 }),
  last_error: Type.String({ description: 'what the mail relay (or the connection to it) said the last time' }),
  created_at: Type.String({ format: 'date-time' }),
  next_attempt_at: Type.String({ format: 'date-time', description: 'when the sender tries again' }),
})
export type MailFailure = Static<typeof MailFailureSchema>

/** GET /admin/mail/failures: undelivered mails that failed at least once, oldest first (at most 100). */
export const MailFailuresResponse = Type.Object({ mails: Type.Array(MailFailureSchema) })
export type MailFailuresResponse = Static<typeof MailFailuresResponse>
