// What a person reads when a request is refused by its schema: one sentence per field, in words, never the schema's own text.
import t, { type Test } from 'tap'
import { LoginRequest, SignupRequest } from '../src/api/auth.ts'
import { UserChangeRequest, UserListQuery } from '../src/api/admin.ts'
import { ProfileUpdateRequest } from '../src/api/user.ts'
import { loadCommonConfig } from '../src/settings/common.ts'
import { createServiceApp } from '../src/service-app.ts'

interface FieldErrorBody {
  field: string
  message: string
  code?: string
}

async function refusal(schema: { body?: object; querystring?: object }, request: { body?: unknown; query?: string }) {
  const app = await createServiceApp({ config: loadCommonConfig({ LOG_LEVEL: 'silent' }), service: 'test', readiness: {} })
  app.post('/check', { schema }, async () => ({ ok: true }))
  const res = await app.inject({ method: 'POST', url: `/check${request.query ?? ''}`, payload: (request.body ?? {}) as object })
  await app.close()
  const body = res.json() as { code: string; detail: string; errors?: FieldErrorBody[] }
  return { status: res.statusCode, body, byField: Object.fromEntries((body.errors ?? []).map((e) => [e.field, e])) }
}

/** U+2028 and the like would break TAP's own lines. */
const printable = (text: string) => text.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)

const RAW_SCHEMA_TEXT = /must match|pattern|equal to constant|anyOf|format "|must NOT|\^\[|\$"|schema/

function assertHuman(t: Test, errors: FieldErrorBody[] | undefined) {
  for (const error of errors ?? []) {
    t.notMatch(error.message, RAW_SCHEMA_TEXT, `"${error.message}" has no schema text`)
    t.match(error.message, /^[A-Z"].*\.$/, `"${error.message}" is a sentence`)
  }
}

t.test('sign-up with every field wrong: one sentence for each, all at once', async (t) => {
  const { status, body, byField } = await refusal(
    { body: SignupRequest },
    { body: { username: 'a!', password: '', email: 'not-an-email', confirm_password: 7, extra: true } },
  )
  t.equal(status, 422)
  t.equal(body.code, 'validation_failed', 'the machine code stays')
  t.match(byField.username, { code: 'pattern', message: /^Username must be 3 to 32 characters: letters, digits, dots, dashes or underscores/ })
  t.match(byField.password, { code: 'required', message: 'Password must not be empty.' })
  t.match(byField.email, { code: 'format', message: 'Email must be an email address like name@example.com.' })
  t.match(byField.confirm_password, { message: /^Confirm password must be text\.$/ })
  t.match(byField.extra, { code: 'unknown_field' })
  t.equal(Object.keys(byField).length, 5, 'one error per field, not one per schema branch')
  assertHuman(t, body.errors)
  t.notMatch(body.detail, RAW_SCHEMA_TEXT)
})

t.test('missing fields are named by their labels', async (t) => {
  const { byField, body } = await refusal({ body: LoginRequest }, { body: {} })
  t.match(byField.username, { code: 'required', message: 'Username or email is required.' })
  t.match(byField.password, { code: 'required', message: 'Password is required.' })
  assertHuman(t, body.errors)
})

t.test('a choice between constants says which values are allowed', async (t) => {
  const { byField, body } = await refusal({ body: LoginRequest }, { body: { username: 'alice', password: 'x', session: 'cookies' } })
  t.match(byField.session, { message: 'Session must be "cookie" or "token".' })
  assertHuman(t, body.errors)
  const role = await refusal({ body: UserChangeRequest }, { body: { role: 'owner' } })
  t.match(role.byField.role, { code: 'enum', message: 'Role must be "user" or "admin".' })
  const empty = await refusal({ body: UserChangeRequest }, { body: {} })
  t.match(empty.byField.body, { message: 'The request body must change at least one of role, status.' })
})

t.test('control, bidi-override and zero-width characters are refused in free text, in words', async (t) => {
  for (const sneaky of ['Bob\u202Eevil', 'Zero\u200Bwidth', 'Bell\u0007', 'Line\u2028sep', 'Private\uE000use']) {
    const { status, byField, body } = await refusal({ body: ProfileUpdateRequest }, { body: { display_name: sneaky } })
    t.equal(status, 422, `${printable(sneaky)} is refused`)
    t.match(byField.display_name, { code: 'pattern', message: /^Display name must be 1 to 100 characters of visible text/ })
    assertHuman(t, body.errors)
  }
  const ok = await refusal({ body: ProfileUpdateRequest }, { body: { display_name: 'Zoë Ünal-Ødegård 李' } })
  t.equal(ok.status, 200, 'letters of every script are fine')
  const login = await refusal({ body: LoginRequest }, { body: { username: 'admin\u200D', password: 'x' } })
  t.match(login.byField.username, { message: 'Username or email must not contain control characters or invisible formatting characters.' })
})

t.test('query strings: limits and types in words', async (t) => {
  const { byField, body } = await refusal({ querystring: UserListQuery }, { query: '?limit=1000&sort=random&q=%07' })
  t.match(byField.limit, { code: 'too_large', message: 'Limit must be at most 100.' })
  t.match(byField.sort, { code: 'enum' })
  t.match(byField.q, { message: /^Search must not contain control characters/ })
  assertHuman(t, body.errors)
})

t.test('ids, cursors and filters in the URL are refused in words too', async (t) => {
  const { AuditEventsQuery } = await import('../src/api/admin.ts')
  const { byField, body } = await refusal(
    { querystring: AuditEventsQuery },
    { query: "?cursor=not%20a%20cursor&type=Login-Failed&user_id=x'%20OR%201=1&since=yesterday" },
  )
  t.match(byField.cursor, { message: 'Cursor must be the next_cursor of the page before, as it was given.' })
  t.match(byField.type, { message: 'Event type must be an event type such as login_failed.' })
  t.match(byField.user_id, { message: 'User id must be the id of a user.' })
  t.match(byField.since, { code: 'format', message: /^Since must be a date and time like 2026-01-31T12:00:00Z\.$/ })
  assertHuman(t, body.errors)
})
