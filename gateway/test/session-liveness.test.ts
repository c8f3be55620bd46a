// One rule of when a session is live, asked everywhere: with ACCESS_TOKEN_TTL longer than REFRESH_IDLE_TTL, a session idle
// past REFRESH_IDLE_TTL is no longer listed, counted or accepted, by any service, even though its access token has not expired.
import t from 'tap'
import { startTestStack } from '@portcullis/testkit/stack'

const PASSWORD = 'correct horse battery staple'
const json = { 'content-type': 'application/json' }

t.test('an idle session ends for every service at once, whatever its access token says', async (t) => {
  const stack = await startTestStack(t, 'sqlite', { env: { ACCESS_TOKEN_TTL: '600', REFRESH_IDLE_TTL: '60' } })
  const db = stack.database.handle.db
  const call = (method: string, path: string, token: string) => fetch(`${stack.url}${path}`, { method, headers: { authorization: `Bearer ${token}` } })
  const login = async (username: string) => {
    const res = await fetch(`${stack.url}/auth/login`, { method: 'POST', headers: json, body: JSON.stringify({ username, password: PASSWORD }) })
    return (await res.json()) as { access_token: string; user: { id: string } }
  }
  const sid = (token: string) => JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()).sid as string
  for (const username of ['idler', 'boss-to-be']) {
    await fetch(`${stack.url}/auth/signup`, { method: 'POST', headers: json, body: JSON.stringify({ username, password: PASSWORD }) })
  }
  await db.updateTable('users').set({ role: 'admin' }).where('username', '=', 'boss-to-be').execute()

  const idle = await login('idler')
  const fresh = await login('idler')
  const idleAdmin = await login('boss-to-be')
  const freshAdmin = await login('boss-to-be')
  const before = (await (await call('GET', '/admin/dashboard', freshAdmin.access_token)).json()) as { counts: { active_sessions: number } }
  // Neither refreshed for just over REFRESH_IDLE_TTL: the sessions have ended though nobody revoked them.
  await db
    .updateTable('sessions')
    .set({ last_used_at: Date.now() - 61_000 })
    .where('id', 'in', [sid(idle.access_token), sid(idleAdmin.access_token)])
    .execute()

  const listed = (await (await call('GET', '/user/sessions', fresh.access_token)).json()) as { sessions: Array<{ id: string }> }
  t.notOk(
    listed.sessions.some((s) => s.id === sid(idle.access_token)),
    '/user/sessions no longer lists it',
  )
  t.equal((await call('GET', '/user/profile', idle.access_token)).status, 401, 'the user service refuses its token')
  t.equal((await call('GET', '/user/dashboard', idle.access_token)).status, 401)
  t.equal((await call('POST', '/auth/logout-all', idle.access_token)).status, 401, 'auth refuses it')
  t.equal((await call('GET', '/admin/dashboard', idleAdmin.access_token)).status, 401, 'the admin service refuses an idle admin')
  const after = (await (await call('GET', '/admin/dashboard', freshAdmin.access_token)).json()) as { counts: { active_sessions: number } }
  t.equal(after.counts.active_sessions, before.counts.active_sessions - 2, 'and the dashboard stops counting both')
  t.equal((await call('GET', '/user/profile', fresh.access_token)).status, 200, 'a live session of the same user is unaffected')
})
