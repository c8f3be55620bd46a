import t from 'tap'
import { testDatabaseKinds } from '@portcullis/testkit/databases'
import { STRONG_PASSWORD, signup, startTestAuth } from '@portcullis/testkit/auth-app'

for (const kind of testDatabaseKinds()) {
  t.test(`signup on ${kind}`, async (t) => {
    const { app, database } = await startTestAuth(t, kind)

    t.test('creates a user with the user role and no password in the answer', async (t) => {
      const res = await signup(app, 'Alice', { email: 'Alice@Example.com', confirm_password: STRONG_PASSWORD })
      t.equal(res.statusCode, 201)
      const { user } = res.json()
      t.match(user, { username: 'alice', email: 'alice@example.com', role: 'user', status: 'active', display_name: null, last_login_at: null })
      t.notOk('password_hash' in user)
      const row = await database.handle.db.selectFrom('users').select('password_hash').where('id', '=', user.id).executeTakeFirstOrThrow()
      t.match(row.password_hash, /^\$argon2id\$/)
      const events = await database.handle.db.selectFrom('audit_events').select('type').where('user_id', '=', user.id).execute()
      t.same(
        events.map((e) => e.type),
        ['signup'],
      )
    })

    t.test('409 for a taken username or email, whatever the case', async (t) => {
      const again = await signup(app, 'ALICE')
      t.equal(again.statusCode, 409)
      t.equal(again.json().code, 'username_taken')
      t.match(again.headers['content-type'], /application\/problem\+json/)
      const email = await signup(app, 'alice2', { email: 'ALICE@example.com' })
      t.equal(email.statusCode, 409)
      t.equal(email.json().code, 'email_taken')
    })

    t.test('422 when confirm_password differs, with the field named, and nothing created', async (t) => {
      const res = await signup(app, 'bob', { confirm_password: 'something else entirely' })
      t.equal(res.statusCode, 422)
      t.equal(res.json().code, 'validation_failed')
      t.same(res.json().errors, [{ field: 'confirm_password', message: 'The confirmation does not match the password.', code: 'mismatch' }])
      const row = await database.handle.db.selectFrom('users').select('id').where('username', '=', 'bob').executeTakeFirst()
      t.equal(row, undefined)
    })

    t.test('reserved names and look-alikes of an admin are refused, each with a sentence; ordinary names pass', async (t) => {
      // An operator names admins as they like (pnpm create-admin); self-service sign-up may not take such names.
      t.equal((await signup(app, 'future-boss')).statusCode, 201)
      await database.handle.db.updateTable('users').set({ role: 'admin', username: 'root_admin' }).where('username', '=', 'future-boss').execute()
      const refused: Array<[string, RegExp]> = [
        ['admin', /reserved/],
        ['Administrator', /reserved/],
        ['root', /reserved/],
        ['ROOT', /reserved/],
        ['adm1n', /reserved/],
        ['4dmin', /reserved/],
        ['r00t', /reserved/],
        ['portcullis', /reserved/],
        ['the_admin', /reserved/],
        ['admin2', /reserved/],
        ['support-team', /reserved/],
        ['root-admin', /reserved|administrator/],
        ['r00t_admin', /reserved|administrator/],
        ['rootadmin', /administrator's username/],
        ['R00T.ADM1N', /reserved|administrator/],
        ['root__admin', /reserved|administrator/],
      ]
      for (const [username, message] of refused) {
        const res = await signup(app, username)
        t.equal(res.statusCode, 422, username)
        const error = (res.json().errors as Array<{ field: string; message: string; code: string }>).find((e) => e.field === 'username')
        t.match(error, { field: 'username', message, code: /^(reserved|lookalike)$/ }, `${username}: ${error?.message}`)
        t.match(error?.message, /^Username .*\.$/, 'a sentence')
      }
      for (const username of ['rootbeer', 'badminton_fan', 'lily', 'adam.min', 'roots-music']) {
        t.equal((await signup(app, username)).statusCode, 201, `${username} is an ordinary name`)
      }
      const users = await database.handle.db
        .selectFrom('users')
        .select('username')
        .where(
          'username',
          'in',
          refused.map(([u]) => u.toLowerCase()),
        )
        .execute()
      t.same(users, [], 'none of the refused names was created')
    })

    t.test('422 for short, common or username-like passwords', async (t) => {
      for (const [password, message] of [
        ['short', /^Password must be at least 8 characters long\.$/],
        ['password123', /too common/],
        ['qwertyuiop', /sequence/],
        ['carolcarol', /built from your username/],
        // NIST SP 800-63B: repetitive and sequential strings, and words of the context (username, email, the service's name).
        ['aaaaaaaa', /repeat/],
        ['abababab', /repeat/],
        ['12345678', /sequence/],
        ['87654321!', /sequence/],
        ['abcdefghij', /sequence/],
        ['carolcarol2024', /built from your username/],
        ['Portcullis2024!', /name Portcullis/],
        ['p0rtcull1s!!', /name Portcullis/],
        ['carol@mail.example', /built from your username, your email/],
      ] as const) {
        const res = await app.inject({ method: 'POST', url: '/auth/signup', payload: { username: 'carolcarol', password, email: 'carol@mail.example' } })
        t.equal(res.statusCode, 422, password)
        const errors = res.json().errors as Array<{ field: string; message: string }>
        t.ok(
          errors.every((e) => e.field === 'password'),
          `${password}: the password field is named`,
        )
        t.ok(
          errors.some((e) => message.test(e.message)),
          `${password}: ${errors.map((e) => e.message).join(' ')}`,
        )
      }
      const fine = await app.inject({ method: 'POST', url: '/auth/signup', payload: { username: 'carolcarol', password: 'carol likes quiet mountain lakes' } })
      t.equal(fine.statusCode, 201, 'a passphrase that mentions the name among other words is fine')
    })

    t.test('bad input is refused with a clear 4xx and never a 5xx', async (t) => {
      const cases: Array<{ name: string; payload: string; type?: string; status: number; code: string }> = [
        { name: 'malformed JSON', payload: '{"username": "dave",', status: 400, code: 'malformed_body' },
        { name: 'wrong types', payload: JSON.stringify({ username: 42, password: ['x'] }), status: 422, code: 'validation_failed' },
        {
          name: 'unknown field',
          payload: JSON.stringify({ username: 'dave', password: STRONG_PASSWORD, role: 'admin' }),
          status: 422,
          code: 'validation_failed',
        },
        { name: 'missing field', payload: JSON.stringify({ username: 'dave' }), status: 422, code: 'validation_failed' },
        { name: 'NUL in username', payload: JSON.stringify({ username: 'da\u0000ve', password: STRONG_PASSWORD }), status: 422, code: 'validation_failed' },
        { name: 'NUL in password', payload: JSON.stringify({ username: 'dave', password: 'abc\u0000defghijk' }), status: 422, code: 'validation_failed' },
        { name: 'SQL in username', payload: JSON.stringify({ username: "x' OR '1'='1", password: STRONG_PASSWORD }), status: 422, code: 'validation_failed' },
        { name: 'huge body', payload: JSON.stringify({ username: 'dave', password: 'x'.repeat(100_000) }), status: 413, code: 'payload_too_large' },
        { name: 'form body', payload: 'username=dave&password=x', type: 'text/plain', status: 415, code: 'unsupported_media_type' },
        { name: 'JSON array', payload: '[]', status: 422, code: 'validation_failed' },
        { name: 'JSON null', payload: 'null', status: 422, code: 'validation_failed' },
      ]
      for (const c of cases) {
        const res = await app.inject({ method: 'POST', url: '/auth/signup', payload: c.payload, headers: { 'content-type': c.type ?? 'application/json' } })
        t.equal(res.statusCode, c.status, c.name)
        const body = res.json()
        t.equal(body.code, c.code, c.name)
        t.notMatch(res.body, /at \S+\.(ts|js):\d+|SELECT|INSERT|sqlite|mysql/i, `${c.name} leaks nothing`)
      }
      t.match(
        (await app.inject({ method: 'POST', url: '/auth/signup', payload: { username: 'dave', password: STRONG_PASSWORD, role: 'admin' } })).json().errors,
        [{ field: 'role', message: '"role" is not a field this request takes.', code: 'unknown_field' }],
      )
      const rows = await database.handle.db.selectFrom('users').select('id').where('username', '=', 'dave').execute()
      t.equal(rows.length, 0, 'none of them created a user')
    })

    t.test('a password that looks like SQL is just a password', async (t) => {
      const password = "'; DROP TABLE users; --"
      const res = await app.inject({ method: 'POST', url: '/auth/signup', payload: { username: 'erin', password } })
      t.equal(res.statusCode, 201)
      const login = await app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'erin', password } })
      t.equal(login.statusCode, 200)
    })
  })
}
