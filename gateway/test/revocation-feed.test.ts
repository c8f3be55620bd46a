// The gateway reads auth's revocation feed a page at a time: a gateway that starts (or restarts) behind a backlog longer
// than one page applies every row, and its cursor never passes the last row it read.
import t from 'tap'
import { newId } from '@portcullis/shared/ids'
import type { AuthClient, FeedCursor, Revocation } from '@portcullis/shared/internal/auth-client'
import { createRevocationList } from '../src/revocation/revocation-list.ts'
import { startTestStack } from '@portcullis/testkit/stack'

const PASSWORD = 'correct horse battery staple'

t.test('a gateway started behind 15,000 revocations refuses the token of the last one revoked', async (t) => {
  const stack = await startTestStack(t, 'sqlite')
  const json = { 'content-type': 'application/json' }
  await fetch(`${stack.url}/auth/signup`, { method: 'POST', headers: json, body: JSON.stringify({ username: 'backlog', password: PASSWORD }) })
  const login = (await (
    await fetch(`${stack.url}/auth/login`, { method: 'POST', headers: json, body: JSON.stringify({ username: 'backlog', password: PASSWORD }) })
  ).json()) as {
    access_token: string
  }
  const sid = JSON.parse(Buffer.from(login.access_token.split('.')[1] ?? '', 'base64url').toString()).sid as string

  // Older than the feed's overlap, so only paging reaches them; the real session's row comes last. The session itself stays
  // live in its table, so only the gateway's copy of the feed can refuse the token.
  const at = Date.now() - 60_000
  const rows = Array.from({ length: 15_000 }, (_, i) => ({
    id: newId(),
    kind: 'session' as const,
    subject: newId(),
    at: at + Math.floor(i / 100),
    expires_at: Date.now() + 600_000,
  }))
  rows.push({ id: newId(), kind: 'session', subject: sid, at: at + 200, expires_at: Date.now() + 600_000 })
  const db = stack.database.handle.db
  for (let i = 0; i < rows.length; i += 1000)
    await db
      .insertInto('token_revocations')
      .values(rows.slice(i, i + 1000))
      .execute()

  const restarted = await stack.startGateway()
  const profile = await fetch(`${restarted.url}/user/profile`, { headers: { authorization: `Bearer ${login.access_token}` } })
  t.equal(profile.status, 401, 'the revocation past the first 10,000 rows is applied')
  t.equal(((await profile.json()) as { code: string }).code, 'invalid_token')
})

t.test('the cursor follows the last row of a full page and never jumps past rows it has not read', async (t) => {
  const feed: Revocation[] = Array.from({ length: 10 }, (_, i) => ({
    id: `r-${String(i).padStart(2, '0')}`,
    kind: 'session',
    subject: `s${i}`,
    at: 1000 + Math.floor(i / 4),
  }))
  const asked: FeedCursor[] = []
  const client: Pick<AuthClient, 'revocationsSince'> = {
    async revocationsSince(cursor, limit = 3) {
      asked.push(cursor)
      const after = feed.filter((r) => r.at > cursor.since || (r.at === cursor.since && (cursor.after === undefined || r.id > cursor.after)))
      return { now: 1_000_000, revocations: after.slice(0, limit), hasMore: after.length > limit }
    },
  }
  const list = createRevocationList(client as AuthClient, { pollMs: 1000, retainMs: 10_000_000, pageSize: 3 })
  await list.sync()
  for (let i = 0; i < 10; i++) t.ok(list.isRevoked({ userId: 'u', role: 'user', sessionId: `s${i}`, issuedAt: 0, authTime: 0, amr: [] }), `s${i} applied`)
  t.same(
    asked.map((c) => `${c.since}/${c.after ?? ''}`),
    ['0/', '1000/r-02', '1001/r-05', '1002/r-08'],
    'each page asked from the last row of the one before',
  )
  // A row another instance commits late, older than the page's now by less than the overlap, is still read next time.
  feed.push({ id: 'late', kind: 'session', subject: 'late', at: 1_000_000 - 1000 })
  await list.sync()
  t.ok(list.isRevoked({ userId: 'u', role: 'user', sessionId: 'late', issuedAt: 0, authTime: 0, amr: [] }), 'a late row within the overlap is applied')
})
