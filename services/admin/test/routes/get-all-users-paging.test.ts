// GET /admin/get-all-users over 20,000 users: every page of every order visits each user once, in order, from an index range.
import t from 'tap'
import { CompiledQuery } from 'kysely'
import type { UserSort } from '@portcullis/shared/api/admin'
import type { DatabaseHandle } from '@portcullis/shared/db/handle'
import { testDatabaseKinds } from '@portcullis/testkit/databases'
import { orderedIndex, type UserListFilters, userPageQuery } from '../../src/users/list-users.ts'
import { injectAs, startTestAdmin } from '../helpers/admin-app.ts'
import { createUsers, type UserSpec } from '../helpers/create-users.ts'

const USERS = 20_000
const SORTS: UserSort[] = ['-created_at', 'created_at', 'username', '-username']
const PREFIXES = ['amber', 'birch', 'cedar', 'delta']
const MAILS = ['zinc', 'yew', 'xeno']

interface Row {
  id: string
  username: string
  email: string | null
  role: string
  status: string
  created_at: number
}

function userList(base: number): UserSpec[] {
  return Array.from({ length: USERS }, (_, i) => ({
    username: `${PREFIXES[i % 4]}${String(i).padStart(6, '0')}`,
    email: i % 5 === 0 ? null : `${MAILS[i % 3]}.${i}@example.test`,
    role: i % 25 === 0 ? 'admin' : 'user',
    status: i % 9 === 0 ? 'disabled' : 'active',
    // Four users per millisecond-second, so created_at ties are broken by id.
    created_at: base - Math.floor(i / 4) * 1000,
  }))
}

/** The expected order, computed here from the rows; ids and usernames are [0-9a-z-], which both databases order as JS does. */
function ordered(rows: Row[], sort: UserSort): Row[] {
  const key = sort.replace('-', '') as 'created_at' | 'username'
  const sign = sort.startsWith('-') ? -1 : 1
  return [...rows].sort((a, b) => {
    if (a[key] !== b[key]) return a[key] < b[key] ? -sign : sign
    return a.id < b.id ? -sign : sign
  })
}

function matches(row: Row, filters: UserListFilters): boolean {
  const q = filters.q?.toLowerCase()
  return (
    (filters.role === undefined || row.role === filters.role) &&
    (filters.status === undefined || row.status === filters.status) &&
    (q === undefined || row.username.startsWith(q) || (row.email ?? '').startsWith(q))
  )
}

async function explain(database: DatabaseHandle, compiled: CompiledQuery): Promise<string[]> {
  const prefix = database.kind === 'mysql' ? 'explain' : 'explain query plan'
  const result = await database.db.executeQuery(CompiledQuery.raw(`${prefix} ${compiled.sql}`, [...compiled.parameters]))
  return (result.rows as Array<Record<string, unknown>>).map((row) =>
    database.kind === 'mysql' ? `${row.type} ${row.key} ${row.Extra ?? ''}` : String(row.detail),
  )
}

for (const kind of testDatabaseKinds()) {
  t.test(`paging 20,000 users on ${kind}`, async (t) => {
    const { app, db, root, auth } = await startTestAdmin(t, kind)
    const inserting = performance.now()
    await createUsers(db, userList(Date.now() - 86_400_000))
    t.comment(`${kind}: inserted ${USERS} users in ${Math.round(performance.now() - inserting)} ms`)
    const all: Row[] = (await db.selectFrom('users').select(['id', 'username', 'email', 'role', 'status', 'created_at']).execute()).map((r) => ({
      ...r,
      created_at: Number(r.created_at),
    }))
    t.equal(all.length, USERS + 1, 'the inserted users and root')

    async function walk(query: string, limit: number): Promise<{ ids: string[]; pages: number; totals: Set<number>; ms: number }> {
      const ids: string[] = []
      const totals = new Set<number>()
      let cursor: string | null = null
      let pages = 0
      const started = performance.now()
      do {
        const url: string = `/admin/get-all-users?limit=${limit}${query}${cursor ? `&cursor=${cursor}` : ''}`
        const res = await injectAs(app, root.access_token, { method: 'GET', url })
        if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`)
        const body = res.json<{ users: Array<{ id: string }>; total: number; next_cursor: string | null }>()
        if (body.users.length > limit || (body.next_cursor !== null && body.users.length !== limit)) throw new Error(`${url}: page of ${body.users.length}`)
        ids.push(...body.users.map((u) => u.id))
        totals.add(body.total)
        cursor = body.next_cursor
        pages++
      } while (cursor !== null)
      return { ids, pages, totals, ms: performance.now() - started }
    }

    t.test('every order: each user exactly once, in order, 100 a page', async (t) => {
      for (const sort of SORTS) {
        const { ids, pages, totals, ms } = await walk(`&sort=${sort}`, 100)
        t.comment(`${kind}: ${sort}: ${pages} pages in ${Math.round(ms)} ms (${(ms / pages).toFixed(1)} ms a page)`)
        t.equal(new Set(ids).size, ids.length, `${sort}: no user twice`)
        t.same(
          ids,
          ordered(all, sort).map((r) => r.id),
          `${sort}: every user, in order`,
        )
        t.same([...totals], [all.length], `${sort}: total on every page`)
        t.equal(pages, Math.ceil(all.length / 100))
      }
    })

    t.test('filters and q combine with paging, and total counts the filtered set', async (t) => {
      const cases: Array<[UserListFilters, UserSort, number]> = [
        [{ role: 'admin' }, 'username', 37],
        [{ status: 'disabled' }, '-created_at', 100],
        [{ role: 'user', status: 'disabled' }, 'created_at', 64],
        [{ role: 'user', status: 'active' }, '-username', 100],
        [{ q: 'birch01' }, 'created_at', 50],
        [{ q: 'YEW.1', role: 'user' }, '-username', 41],
        [{ q: 'cedar00', status: 'active', role: 'admin' }, '-created_at', 3],
        [{ q: 'delta' }, 'username', 100],
      ]
      for (const [filters, sort, limit] of cases) {
        const query = `&sort=${sort}${Object.entries(filters)
          .map(([k, v]) => `&${k}=${encodeURIComponent(String(v))}`)
          .join('')}`
        const expected = ordered(
          all.filter((r) => matches(r, filters)),
          sort,
        ).map((r) => r.id)
        const { ids, pages, totals, ms } = await walk(query, limit)
        t.comment(`${kind}: ${query}: ${expected.length} users, ${pages} pages in ${Math.round(ms)} ms`)
        t.ok(expected.length > limit, `${query} spans pages`)
        t.same(ids, expected, `${query}: each matching user once, in order`)
        t.same([...totals], [expected.length], `${query}: total`)
      }
    })

    t.test('each page without q is a range over the index of its filters and order: no sort, no skipping', async (t) => {
      const database = auth.database.handle
      const filterSets: UserListFilters[] = [{}, { role: 'admin' }, { status: 'disabled' }, { role: 'user', status: 'active' }]
      for (const filters of filterSets) {
        for (const sort of SORTS) {
          const index = orderedIndex(filters, sort.replace('-', '') as 'created_at' | 'username')
          const position = {
            value: sort.endsWith('created_at') ? Date.now() - 86_400_000 - 2_500_000 : 'cedar010000',
            id: '01900000-0000-7000-8000-000000000000',
          }
          const plan = (await explain(database, userPageQuery(database, { ...filters, sort, limit: 100 }, position).compile())).join(' | ')
          const label = `${JSON.stringify(filters)} ${sort}: ${plan}`
          if (kind === 'mysql') {
            t.match(plan, new RegExp(`^range ${index} `), label)
            t.notMatch(plan, /filesort|temporary/i, label)
          } else {
            t.match(plan, new RegExp(`^SEARCH users USING (COVERING )?INDEX ${index} \\(`), label)
            t.notMatch(plan, /TEMP B-TREE/, label)
          }
        }
      }
    })

    t.test('a deep page costs what the first does', async (t) => {
      const time = async (url: string) => {
        const started = performance.now()
        for (let i = 0; i < 5; i++) await injectAs(app, root.access_token, { method: 'GET', url })
        return (performance.now() - started) / 5
      }
      const last = ordered(all, 'username').at(-101) as Row
      const deepCursor = Buffer.from(JSON.stringify(['username', last.username, last.id])).toString('base64url')
      const first = await time('/admin/get-all-users?limit=100&sort=username&role=user&status=active')
      const deep = await time(`/admin/get-all-users?limit=100&sort=username&role=user&status=active&cursor=${deepCursor}`)
      t.comment(`${kind}: first page ${first.toFixed(1)} ms, last page ${deep.toFixed(1)} ms`)
      t.ok(deep < first * 3 + 20, 'no walking to the cursor')
    })
  })
}
