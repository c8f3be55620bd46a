// GET /admin/get-all-users on a small table: the answer's shape, filters, prefix search, sorts, and refused queries.
import t from 'tap'
import { testDatabaseKinds } from '@portcullis/testkit/databases'
import { injectAs, startTestAdmin } from '../helpers/admin-app.ts'
import { createUsers } from '../helpers/create-users.ts'

function cursorOf(position: unknown): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url')
}

for (const kind of testDatabaseKinds()) {
  t.test(`GET /admin/get-all-users on ${kind}`, async (t) => {
    const { app, db, root } = await startTestAdmin(t, kind)
    const base = Date.now() - 60_000
    await createUsers(db, [
      { username: 'x_one', email: 'per%cent@example.com', created_at: base + 1 },
      { username: 'xaone', email: 'percent@example.com', created_at: base + 2 },
      { username: 'x!bang', email: 'bang!@example.com', created_at: base + 3, role: 'admin' },
      { username: 'zed', email: null, created_at: base + 4, status: 'disabled' },
      { username: 'zeta', email: 'Z@example.com'.toLowerCase(), created_at: base + 5, role: 'admin', status: 'disabled' },
      { username: 'yak', email: 'xylo@example.com', created_at: base + 6 },
    ])
    const list = async (query: string) => {
      const res = await injectAs(app, root.access_token, { method: 'GET', url: `/admin/get-all-users${query}` })
      return { status: res.statusCode, body: res.json() }
    }
    const names = (body: { users: Array<{ username: string }> }) => body.users.map((u) => u.username)

    t.test('the default: newest first, 20 a page, users as the API shows them', async (t) => {
      const { status, body } = await list('')
      t.equal(status, 200)
      t.equal(body.total, 7)
      t.equal(body.next_cursor, null)
      t.same(names(body), ['root', 'yak', 'zeta', 'zed', 'x!bang', 'xaone', 'x_one'])
      t.same(Object.keys(body.users[1]).sort(), [
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
      t.match(body.users[1], { username: 'yak', email: 'xylo@example.com', role: 'user', status: 'active', created_at: new Date(base + 6).toISOString() })
      t.match(body.users[0], { username: 'root', role: 'admin', last_login_at: String })
    })

    t.test('filters by role and status, and total counts the filtered set', async (t) => {
      t.same(names((await list('?role=admin')).body), ['root', 'zeta', 'x!bang'])
      t.same(names((await list('?status=disabled')).body), ['zeta', 'zed'])
      const both = await list('?role=admin&status=disabled')
      t.same(names(both.body), ['zeta'])
      t.equal(both.body.total, 1)
    })

    t.test('q is a case-insensitive prefix of the username or the email, with % and _ taken literally', async (t) => {
      t.same(names((await list('?q=X')).body), ['yak', 'x!bang', 'xaone', 'x_one'], 'username x… or email x…')
      t.same(names((await list('?q=x_')).body), ['x_one'], '_ is not a wildcard')
      t.same(names((await list('?q=per%25')).body), ['x_one'], '% is not a wildcard')
      t.same(names((await list('?q=PERC')).body), ['xaone'])
      t.same(names((await list('?q=x!')).body), ['x!bang'], 'the escape character itself is literal')
      t.same(names((await list('?q=bang!')).body), ['x!bang'])
      t.same(names((await list('?q=ze&status=disabled&role=user')).body), ['zed'])
      t.same((await list('?q=nobody')).body, { users: [], total: 0, next_cursor: null })
      t.same(names((await list('?q=%20%20')).body).length, 7, 'a blank q searches nothing')
      t.same(names((await list("?q=x'%20OR%20'1'%3D'1")).body), [], 'SQL in q is just text')
    })

    t.test('four orders', async (t) => {
      t.same(names((await list('?sort=created_at')).body), ['x_one', 'xaone', 'x!bang', 'zed', 'zeta', 'yak', 'root'])
      const byName = names((await list('?sort=username')).body)
      t.same(
        byName.filter((n) => !n.startsWith('x')),
        ['root', 'yak', 'zed', 'zeta'],
      )
      t.same(names((await list('?sort=-username')).body), [...byName].reverse())
    })

    t.test('a small limit pages with next_cursor, and the total stays', async (t) => {
      const first = await list('?limit=3&sort=created_at')
      t.same(names(first.body), ['x_one', 'xaone', 'x!bang'])
      t.equal(first.body.total, 7)
      t.match(first.body.next_cursor, /^[A-Za-z0-9_-]+$/)
      const second = await list(`?limit=3&sort=created_at&cursor=${first.body.next_cursor}`)
      t.same(names(second.body), ['zed', 'zeta', 'yak'])
      const third = await list(`?limit=3&sort=created_at&cursor=${second.body.next_cursor}`)
      t.same(names(third.body), ['root'])
      t.equal(third.body.next_cursor, null)
      t.equal(third.body.total, 7)
    })

    t.test('refused queries: 422 validation_failed naming the field, never a 500', async (t) => {
      const page = await list('?limit=1&sort=username')
      const cases: Array<[string, string, string]> = [
        ['limit 0', '?limit=0', 'limit'],
        ['limit 1000', '?limit=1000', 'limit'],
        ['limit not a number', '?limit=ten', 'limit'],
        ['unknown sort', '?sort=email', 'sort'],
        ['unknown role', '?role=root', 'role'],
        ['unknown status', '?status=banned', 'status'],
        ['unknown parameter', '?page=2', 'querystring.page'],
        ['two roles', '?role=user&role=admin', 'role'],
        ['cursor of not base64url', '?cursor=not%20a%20cursor', 'cursor'],
        ['cursor of garbage', '?cursor=Zm9vYmFy', 'cursor'],
        ['cursor of a JSON object', `?cursor=${cursorOf({ v: 1 })}`, 'cursor'],
        ['cursor of wrong types', `?cursor=${cursorOf(['-created_at', 'yesterday', 42])}`, 'cursor'],
        ['cursor of an unsafe number', `?cursor=${cursorOf(['-created_at', 1e300, 'x'])}`, 'cursor'],
        ['cursor with extra parts', `?cursor=${cursorOf(['-created_at', 1, 'x', 'y'])}`, 'cursor'],
        ['cursor of another sort', `?sort=created_at&cursor=${page.body.next_cursor}`, 'cursor'],
        ['cursor too long', `?cursor=${'A'.repeat(600)}`, 'cursor'],
        ['NUL in q', '?q=a%00b', 'q'],
      ]
      for (const [name, query, field] of cases) {
        const { status, body } = await list(query)
        t.equal(status, 422, name)
        t.equal(body.code, 'validation_failed', name)
        t.ok(
          body.errors?.some((e: { field: string }) => e.field === field),
          `${name} names ${field}: ${JSON.stringify(body.errors)}`,
        )
      }
    })
  })
}
