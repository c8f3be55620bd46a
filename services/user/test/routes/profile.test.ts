import t from 'tap'
import { testDatabaseKinds } from '@portcullis/testkit/databases'
import { STRONG_PASSWORD } from '@portcullis/testkit/auth-app'
import { bearer, startTestUserService } from '../helpers/user-app.ts'

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/

for (const kind of testDatabaseKinds()) {
  t.test(`profile on ${kind}`, async (t) => {
    // EMAIL_VERIFICATION=off: a new address applies at once (email-change.test.ts tests it waiting for its link).
    const { app, auth, db } = await startTestUserService(t, kind, { EMAIL_VERIFICATION: 'off' })
    const alice = await auth.userSession('alice')
    const bob = await auth.userSession('bob')
    const asAlice = bearer(alice.access_token)

    const patch = (payload: unknown, headers: Record<string, string> = asAlice) =>
      app.inject({ method: 'PATCH', url: '/user/profile', payload: payload as object, headers: { 'content-type': 'application/json', ...headers } })
    const userRow = () => db.selectFrom('users').selectAll().where('id', '=', alice.user.id).executeTakeFirstOrThrow()
    const profileEvents = () =>
      db.selectFrom('audit_events').selectAll().where('user_id', '=', alice.user.id).where('type', '=', 'profile_updated').orderBy('at').orderBy('id').execute()

    t.test('GET shows your own profile, the same shape auth shows at login, and no credentials', async (t) => {
      const res = await app.inject({ method: 'GET', url: '/user/profile', headers: asAlice })
      t.equal(res.statusCode, 200)
      const profile = res.json()
      t.same(Object.keys(profile).sort(), [
        'created_at',
        'display_name',
        'email',
        'email_verified',
        'id',
        'last_login_at',
        'pending_email',
        'role',
        'status',
        'username',
      ])
      t.same(profile, alice.user, 'the same view of the user as the login answer')
      t.match(profile, { id: alice.user.id, username: 'alice', email: 'alice@example.com', display_name: null, role: 'user', status: 'active' })
      t.match(profile.created_at, ISO)
      t.match(profile.last_login_at, ISO)
      t.notMatch(res.body, /argon2|password/)
      const asBob = await app.inject({ method: 'GET', url: '/user/profile', headers: bearer(bob.access_token) })
      t.equal(asBob.json().id, bob.user.id, 'each token sees only its own user')
    })

    t.test('PATCH changes display name and email, stores the email lower-cased, and audits the field names only', async (t) => {
      const before = await userRow()
      await new Promise((resolve) => setTimeout(resolve, 5))
      const res = await patch(
        { display_name: 'Alice Liddell', email: 'Alice.L@Example.COM', current_password: STRONG_PASSWORD },
        { ...asAlice, 'user-agent': 'profile-test/1.0' },
      )
      t.equal(res.statusCode, 200)
      t.match(res.json(), { id: alice.user.id, username: 'alice', display_name: 'Alice Liddell', email: 'alice.l@example.com' })
      const after = await userRow()
      t.equal(after.display_name, 'Alice Liddell')
      t.equal(after.email, 'alice.l@example.com')
      t.ok(Number(after.updated_at) > Number(before.updated_at), 'updated_at moves')
      t.equal(after.password_hash, before.password_hash)
      const events = await profileEvents()
      t.equal(events.length, 1)
      t.match(events[0], { user_id: alice.user.id, actor_id: alice.user.id, user_agent: 'profile-test/1.0', ip: String })
      t.same(JSON.parse(events[0]?.detail ?? 'null'), { changed: ['display_name', 'email'] })
      t.notMatch(events[0]?.detail, /Alice|example/, 'the audit log holds no personal data')
      const get = await app.inject({ method: 'GET', url: '/user/profile', headers: asAlice })
      t.same(get.json(), res.json(), 'GET shows what PATCH answered')
    })

    t.test('PATCH of one field leaves the other, and only real changes are audited', async (t) => {
      const res = await patch({ display_name: 'Alice' })
      t.equal(res.statusCode, 200)
      t.match(res.json(), { display_name: 'Alice', email: 'alice.l@example.com' })
      const same = await patch({ display_name: 'Alice', email: 'ALICE.L@example.com' })
      t.equal(same.statusCode, 200)
      const empty = await patch({})
      t.equal(empty.statusCode, 200)
      t.match(empty.json(), { display_name: 'Alice', email: 'alice.l@example.com' })
      const events = await profileEvents()
      t.same(
        events.map((e) => JSON.parse(e.detail ?? 'null')),
        [{ changed: ['display_name', 'email'] }, { changed: ['display_name'] }],
      )
    })

    t.test('PATCH with null clears a field', async (t) => {
      const res = await patch({ display_name: null, email: null, current_password: STRONG_PASSWORD })
      t.equal(res.statusCode, 200)
      t.match(res.json(), { display_name: null, email: null })
      t.match(await userRow(), { display_name: null, email: null })
      const restore = await patch({ email: 'alice@example.com', display_name: 'Alice', current_password: STRONG_PASSWORD })
      t.equal(restore.statusCode, 200)
    })

    t.test('invalid PATCH bodies get 422 validation_failed with the field, and change nothing', async (t) => {
      await auth.userSession('root_admin', 'admin')
      const before = await userRow()
      const eventsBefore = (await profileEvents()).length
      const cases: Array<[string, unknown, string]> = [
        ['unknown field', { display_name: 'x', role: 'admin' }, 'role'],
        ['username is not editable here', { username: 'mallory' }, 'username'],
        ['wrong type', { display_name: 42 }, 'display_name'],
        ['wrong type for email', { email: ['a@example.com'] }, 'email'],
        ['bad email', { email: 'not an email' }, 'email'],
        ['empty display name', { display_name: '' }, 'display_name'],
        ['too long display name', { display_name: 'x'.repeat(101) }, 'display_name'],
        ['NUL in display name', { display_name: 'Al\u0000ice' }, 'display_name'],
        ['NUL in email', { email: 'al\u0000ice@example.com' }, 'email'],
        ['a bidi override in display name', { display_name: 'Alice \u202Enimda' }, 'display_name'],
        ['a zero-width joiner in display name', { display_name: 'Ali\u200Dce' }, 'display_name'],
        ['a zero-width space in display name', { display_name: 'Ali\u200Bce' }, 'display_name'],
        ['a control character in display name', { display_name: 'Alice\u001B[31m' }, 'display_name'],
        ['a line separator in display name', { display_name: 'Alice\u2028Admin' }, 'display_name'],
        ['a reserved display name', { display_name: 'Administrator' }, 'display_name'],
        ['a reserved display name in other letters', { display_name: 'Ｒｏｏｔ' }, 'display_name'],
        ["an admin's username with Cyrillic letters", { display_name: 'rооt_аdmin' }, 'display_name'],
        ["an admin's username with digits for letters", { display_name: 'R00t Adm1n' }, 'display_name'],
        ['an array', [], 'body'],
        ['null', null, 'body'],
      ]
      for (const [name, payload, field] of cases) {
        const res = await patch(JSON.stringify(payload))
        t.equal(res.statusCode, 422, name)
        t.equal(res.json().code, 'validation_failed', name)
        t.match(res.headers['content-type'], /application\/problem\+json/, name)
        t.ok(
          res.json().errors?.some((e: { field: string }) => e.field === field),
          `${name} names ${field}`,
        )
        for (const error of res.json().errors ?? []) t.notMatch(error.message, /must match|pattern "|\^/, `${name}: no schema text`)
      }
      const malformed = await patch('{"display_name": ')
      t.equal(malformed.statusCode, 400)
      t.equal(malformed.json().code, 'malformed_body')
      t.same(await userRow(), before, 'the row is untouched')
      t.equal((await profileEvents()).length, eventsBefore, 'no audit event was written')
      const fine = await patch({ display_name: 'Badminton Club Alice' })
      t.equal(fine.statusCode, 200, 'a display name that merely contains a reserved word is fine')
      t.equal((await patch({ display_name: null })).statusCode, 200)
    })

    t.test("409 email_taken for another user's email, in any case, and nothing changes", async (t) => {
      const before = await userRow()
      const eventsBefore = (await profileEvents()).length
      for (const email of ['bob@example.com', 'BOB@Example.com']) {
        const res = await patch({ email, display_name: 'Not Bob', current_password: STRONG_PASSWORD })
        t.equal(res.statusCode, 409, email)
        t.equal(res.json().code, 'email_taken', email)
        t.match(res.headers['content-type'], /application\/problem\+json/)
      }
      t.same(await userRow(), before, 'neither the email nor the display name changed')
      t.equal((await profileEvents()).length, eventsBefore)
      const bobRow = await db.selectFrom('users').select('email').where('id', '=', bob.user.id).executeTakeFirstOrThrow()
      t.equal(bobRow.email, 'bob@example.com')
    })

    t.test('an email given up by one user can be taken by another', async (t) => {
      const bobs = bearer(bob.access_token)
      t.equal((await patch({ email: null, current_password: STRONG_PASSWORD }, bobs)).statusCode, 200)
      const res = await patch({ email: 'bob@example.com', current_password: STRONG_PASSWORD })
      t.equal(res.statusCode, 200)
      t.equal(res.json().email, 'bob@example.com')
    })
  })
}
