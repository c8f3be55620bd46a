// GET /admin/audit-events: newest first, filtered by type, user and time, in keyset pages on (at, id).
import t from 'tap'
import { CompiledQuery } from 'kysely'
import type { AuditEvent } from '@portcullis/shared/db/schema'
import { newId } from '@portcullis/shared/ids'
import { testDatabaseKinds } from '@portcullis/testkit/databases'
import { type AuditEventFilters, auditEventPageQuery, eventIndex } from '../../src/audit/list-events.ts'
import { injectAs, startTestAdmin } from '../helpers/admin-app.ts'

const TYPES = ['login_failed', 'login_succeeded', 'role_changed']

function newestFirst(a: AuditEvent, b: AuditEvent): number {
  if (a.at !== b.at) return Number(b.at) - Number(a.at)
  return a.id < b.id ? 1 : -1
}

for (const kind of testDatabaseKinds()) {
  t.test(`GET /admin/audit-events on ${kind}`, async (t) => {
    const { app, auth, db, root } = await startTestAdmin(t, kind)
    const users = [newId(), newId(), newId()]
    const base = Date.now() - 3_600_000
    const inserted = Array.from({ length: 300 }, (_, i) => ({
      id: newId(),
      // Three events per millisecond, so ties on at are broken by id.
      at: base + Math.floor(i / 3),
      type: TYPES[i % 3] as string,
      user_id: i % 4 === 3 ? null : (users[i % 4] as string),
      actor_id: i % 2 === 0 ? root.user.id : null,
      ip: '198.51.100.7',
      user_agent: 'curl/8',
      detail: i % 5 === 0 ? JSON.stringify({ n: i, nested: { ok: true } }) : i % 5 === 1 ? '[1,2]' : null,
    }))
    // Shuffled, so the order comes from the query and not from the insertion.
    await db
      .insertInto('audit_events')
      .values([...inserted].sort(() => Math.random() - 0.5))
      .execute()
    const all = (await db.selectFrom('audit_events').selectAll().execute()).sort(newestFirst)

    async function walk(query: string, limit: number): Promise<Array<Record<string, unknown>>> {
      const events: Array<Record<string, unknown>> = []
      let cursor: string | null = null
      do {
        const url: string = `/admin/audit-events?limit=${limit}${query}${cursor ? `&cursor=${cursor}` : ''}`
        const res = await injectAs(app, root.access_token, { method: 'GET', url })
        if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`)
        const body = res.json<{ events: Array<Record<string, unknown>>; next_cursor: string | null }>()
        if (body.events.length > limit) throw new Error(`${url}: ${body.events.length} events`)
        events.push(...body.events)
        cursor = body.next_cursor
      } while (cursor !== null)
      return events
    }

    t.test('events as the API shows them: ISO time, detail as an object or null', async (t) => {
      const byId = new Map((await walk('', 100)).map((e) => [e.id, e]))
      const first = inserted[0] as (typeof inserted)[number]
      t.same(byId.get(first.id), {
        id: first.id,
        at: new Date(first.at).toISOString(),
        type: 'login_failed',
        user_id: users[0],
        actor_id: root.user.id,
        user: null,
        actor: { id: root.user.id, kind: 'user', name: root.user.username },
        ip: '198.51.100.7',
        user_agent: 'curl/8',
        detail: { n: 0, nested: { ok: true } },
      })
      t.equal(byId.get(inserted[1]?.id)?.detail, null, 'a JSON array is no detail object')
      t.equal(byId.get(inserted[3]?.id)?.user_id, null)
    })

    t.test('walking every page: each event once, newest first, ties broken by id', async (t) => {
      const events = await walk('', 7)
      t.same(
        events.map((e) => e.id),
        all.map((e) => e.id),
      )
      const defaults = await injectAs(app, root.access_token, { method: 'GET', url: '/admin/audit-events' })
      t.equal(defaults.json().events.length, 20, '20 a page by default')
      t.type(defaults.json().next_cursor, 'string')
    })

    t.test('filters by type, user and time, alone and together, with paging', async (t) => {
      const since = base + 20
      const until = base + 70
      const cases: Array<[string, (e: AuditEvent) => boolean]> = [
        ['&type=role_changed', (e) => e.type === 'role_changed'],
        [`&user_id=${users[1]}`, (e) => e.user_id === users[1]],
        [`&since=${new Date(since).toISOString()}`, (e) => e.at >= since],
        [`&until=${new Date(until).toISOString()}`, (e) => e.at < until],
        [
          `&type=login_failed&user_id=${users[0]}&since=${new Date(since).toISOString()}&until=${new Date(until).toISOString()}`,
          (e) => e.type === 'login_failed' && e.user_id === users[0] && e.at >= since && e.at < until,
        ],
        ['&type=signup', (e) => e.type === 'signup'],
        ['&type=nothing_like_this', () => false],
      ]
      for (const [query, keep] of cases) {
        const expected = all.filter(keep).map((e) => e.id)
        const events = await walk(query, 5)
        t.same(
          events.map((e) => e.id),
          expected,
          `${query}: ${expected.length} events`,
        )
      }
    })

    t.test('refused queries: 422, never a 500', async (t) => {
      const cursor = (position: unknown) => Buffer.from(JSON.stringify(position)).toString('base64url')
      const cases: Array<[string, string]> = [
        ['limit 0', '?limit=0'],
        ['limit 1000', '?limit=1000'],
        ['a bad cursor', '?cursor=Zm9vYmFy'],
        ['a cursor of the wrong shape', `?cursor=${cursor(['x', 'y'])}`],
        ['a cursor of the users list', `?cursor=${cursor(['-created_at', 1, 'x'])}`],
        ['since is not a time', '?since=yesterday'],
        ['until without a zone', '?until=2024-01-01T00:00:00'],
        ['a leap second', '?since=2016-12-31T23:59:60Z'],
        ['type in capitals', '?type=LOGIN'],
        ['an unknown parameter', '?actor=me'],
      ]
      for (const [name, query] of cases) {
        const res = await injectAs(app, root.access_token, { method: 'GET', url: `/admin/audit-events${query}` })
        t.equal(res.statusCode, 422, name)
        t.equal(res.json().code, 'validation_failed', name)
      }
    })

    t.test('each page reads its index from the cursor on: no sort of the whole set', async (t) => {
      const database = auth.database.handle
      const filterSets: AuditEventFilters[] = [{}, { type: 'role_changed' }, { userId: users[2] }, { type: 'login_failed', userId: users[0], since: base }]
      for (const filters of filterSets) {
        const compiled = auditEventPageQuery(database, { ...filters, limit: 20 }, { at: base + 50, id: newId() }).compile()
        const prefix = kind === 'mysql' ? 'explain' : 'explain query plan'
        const rows = (await database.db.executeQuery(CompiledQuery.raw(`${prefix} ${compiled.sql}`, [...compiled.parameters]))).rows as Array<
          Record<string, unknown>
        >
        const plan = rows.map((r) => (kind === 'mysql' ? `${r.type} ${r.key} ${r.Extra ?? ''}` : String(r.detail))).join(' | ')
        const index = eventIndex(filters)
        if (kind === 'mysql') {
          t.match(plan, new RegExp(`^range ${index} `), `${JSON.stringify(filters)}: ${plan}`)
          t.notMatch(plan, /filesort|temporary/i, plan)
        } else {
          t.match(plan, new RegExp(`^SEARCH audit_events USING INDEX ${index} \\(`), `${JSON.stringify(filters)}: ${plan}`)
          t.notMatch(plan, /TEMP B-TREE FOR ORDER BY/, plan)
        }
      }
    })

    t.test('who an event is about and who did it, by name: a user, a service client, the command line', async (t) => {
      const target = await auth.userSession('named-target')
      await db
        .insertInto('service_clients')
        .values({ id: 'admin-service-ab12', name: 'admin-service', secret_hash: 'x'.repeat(64), scopes: '', created_at: 0, disabled_at: null })
        .execute()
      const at = Date.now() + 60_000
      const events = [
        { id: newId(), at, type: 'sessions_revoked', user_id: target.user.id, actor_id: 'admin-service-ab12', ip: null, user_agent: null, detail: null },
        { id: newId(), at: at + 1, type: 'admin_promoted', user_id: target.user.id, actor_id: 'cli', ip: null, user_agent: null, detail: null },
        { id: newId(), at: at + 2, type: 'role_changed', user_id: target.user.id, actor_id: root.user.id, ip: null, user_agent: null, detail: null },
      ]
      await db.insertInto('audit_events').values(events).execute()
      t.teardown(async () => {
        await db
          .deleteFrom('audit_events')
          .where(
            'id',
            'in',
            events.map((e) => e.id),
          )
          .execute()
        await db.deleteFrom('service_clients').where('id', '=', 'admin-service-ab12').execute()
      })
      const res = await injectAs(app, root.access_token, {
        method: 'GET',
        url: `/admin/audit-events?user_id=${target.user.id}&since=${new Date(at).toISOString()}`,
      })
      const body = res.json<{ events: Array<{ type: string; user: unknown; actor: unknown }> }>()
      t.same(
        body.events.map((e) => [e.type, e.user, e.actor]),
        [
          ['role_changed', { id: target.user.id, kind: 'user', name: 'named-target' }, { id: root.user.id, kind: 'user', name: root.user.username }],
          ['admin_promoted', { id: target.user.id, kind: 'user', name: 'named-target' }, { id: 'cli', kind: 'system', name: 'command line' }],
          [
            'sessions_revoked',
            { id: target.user.id, kind: 'user', name: 'named-target' },
            { id: 'admin-service-ab12', kind: 'service', name: 'admin-service' },
          ],
        ],
      )
    })
  })
}
