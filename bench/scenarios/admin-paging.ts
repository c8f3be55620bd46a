// 4. GET /admin/get-all-users deep in a 100k-user table: bulk-inserted users, the cursor of page ~400 of 20, and that page under load.
import { bearer, createAccount } from '../accounts.ts'
import { ratio } from '../measure.ts'
import type { Scenario } from '../scenario.ts'
import { newId } from '@portcullis/shared/ids'
import type { NewUser } from '@portcullis/shared/db/schema'
import type { BenchStack } from '../stack.ts'
import { listUsers } from '@portcullis/admin/users/list-users'

const PAGE_SIZE = 20
const BATCH = 1000

/** Users older than every real account, one second apart, inserted a batch per transaction; they cannot log in. */
async function insertUsers(stack: BenchStack, count: number): Promise<number> {
  const db = stack.database.handle.db
  const started = performance.now()
  const oldest = Date.now() - (count + 1) * 1000
  for (let offset = 0; offset < count; offset += BATCH) {
    const rows: NewUser[] = []
    for (let i = offset; i < Math.min(count, offset + BATCH); i++) {
      const at = oldest + i * 1000
      rows.push({
        id: newId(),
        username: `bulk-${String(i).padStart(7, '0')}`,
        email: `bulk-${i}@bench.example`,
        display_name: null,
        password_hash: '!bulk-no-login',
        role: 'user',
        status: 'active',
        created_at: at,
        updated_at: at,
        last_login_at: null,
        password_changed_at: at,
      })
    }
    await db.transaction().execute((trx) => trx.insertInto('users').values(rows).execute())
  }
  return performance.now() - started
}

async function medianMs(work: () => Promise<unknown>, runs = 21): Promise<number> {
  const times: number[] = []
  for (let i = 0; i < runs; i++) {
    const started = performance.now()
    await work()
    times.push(performance.now() - started)
  }
  return Math.round((times.sort((a, b) => a - b)[Math.floor(runs / 2)] ?? 0) * 1000) / 1000
}

export const adminPagingScenario: Scenario = {
  id: 'admin-paging',
  number: 4,
  title: 'GET /admin/get-all-users deep in a 100k-user table (keyset paging)',
  async run(context) {
    const { pagingUsers: count, deepPage } = context.settings
    const stack = await context.sqliteStack()
    const headers = bearer(await createAccount(stack, 'bench-boss', 'admin'))
    const insertMs = await insertUsers(stack, count)
    console.log(`bench:   inserted ${count} users in ${(insertMs / 1000).toFixed(1)} s`)
    const list = (cursor?: string) => `${stack.url}/admin/get-all-users?limit=${PAGE_SIZE}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`
    const walkStarted = performance.now()
    let cursor: string | undefined
    for (let page = 1; page < deepPage; page++) {
      const res = await fetch(list(cursor), { headers })
      if (res.status !== 200) throw new Error(`page ${page} answered ${res.status}: ${await res.text()}`)
      const body = (await res.json()) as { next_cursor: string | null }
      if (!body.next_cursor) throw new Error(`the list ended at page ${page}, before page ${deepPage}`)
      cursor = body.next_cursor
    }
    const walkMs = performance.now() - walkStarted
    // The admin service's own query code on the bench's connection: the database work of a page, without HTTP or the shared CPU's noise.
    const handle = stack.database.handle
    const page = (at?: string) => listUsers(handle, { limit: PAGE_SIZE, sort: '-created_at', ...(at ? { cursor: at } : {}) })
    const firstPageMs = await medianMs(() => page())
    const deepPageMs = await medianMs(() => page(cursor))
    const countMs = await medianMs(() =>
      handle.db
        .selectFrom('users')
        .select((eb) => eb.fn.countAll<number>().as('total'))
        .executeTakeFirstOrThrow(),
    )
    const processes = [stack.gateway, stack.admin]
    const [first, deep] = await context.measure(
      { name: 'admin users: page 1', url: list(), headers, processes },
      { name: `admin users: page ${deepPage} (cursor)`, url: list(cursor), headers, processes },
    )
    if (!first || !deep) throw new Error('a measurement is missing')
    return {
      rows: [first, deep],
      derived: [
        {
          label: `req/s page ${deepPage} ÷ page 1`,
          value: ratio(deep.requestsPerSecond, first.requestsPerSecond),
          meaning: 'near 1: a deep page costs what the first does',
        },
        {
          label: `database ms of page 1 / page ${deepPage} (the admin service's listUsers, in process, median of 21)`,
          value: firstPageMs,
          meaning: `page ${deepPage}: ${deepPageMs} ms`,
        },
        { label: `database ms page ${deepPage} ÷ page 1`, value: ratio(deepPageMs, firstPageMs), meaning: 'keyset paging: near 1 however deep' },
        { label: 'ms of the COUNT(*) in each of those', value: countMs, meaning: 'the `total` field, counted over every user on every page' },
      ],
      notes: [
        `${count} users bulk-inserted in batches of ${BATCH} in ${(insertMs / 1000).toFixed(1)} s; the cursor of page ${deepPage} taken by walking ${deepPage - 1} pages of ${PAGE_SIZE} in ${(walkMs / 1000).toFixed(1)} s (${(walkMs / (deepPage - 1)).toFixed(1)} ms a page, one at a time).`,
        'Sort -created_at over the users_created_at_id index; the admin service also checks the admin is still active in the database on every request.',
      ],
    }
  },
}
