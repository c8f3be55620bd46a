// Who may say where a request came from: a service believes X-Forwarded-For only from the gateway's own address
// (PROXY_SOURCE_ADDRESS, 127.0.0.2 here), so a program on this host calling auth straight from 127.0.0.1 cannot choose the
// client address that auth throttles on and records; through the gateway the real client address arrives.
import t from 'tap'
import { startTestStack } from '@portcullis/testkit/stack'

const PASSWORD = 'correct horse battery staple'
const json = { 'content-type': 'application/json' }

t.test('X-Forwarded-For is believed from the gateway only', async (t) => {
  // The gateway itself believes its own front proxy (as behind Nginx), here any client on 127.0.0.1.
  const stack = await startTestStack(t, 'sqlite', { gatewayEnv: { TRUST_PROXY: '127.0.0.1' } })
  const db = stack.database.handle.db
  await fetch(`${stack.url}/auth/signup`, { method: 'POST', headers: json, body: JSON.stringify({ username: 'traveller', password: PASSWORD }) })
  const sessionIp = async (accessToken: string) => {
    const sid = JSON.parse(Buffer.from(accessToken.split('.')[1] ?? '', 'base64url').toString()).sid as string
    return (await db.selectFrom('sessions').select('ip').where('id', '=', sid).executeTakeFirstOrThrow()).ip
  }
  const login = async (base: string, forwardedFor: string) => {
    const res = await fetch(`${base}/auth/login`, {
      method: 'POST',
      headers: { ...json, 'x-forwarded-for': forwardedFor },
      body: JSON.stringify({ username: 'traveller', password: PASSWORD }),
    })
    t.equal(res.status, 200)
    return ((await res.json()) as { access_token: string }).access_token
  }

  t.equal(await sessionIp(await login(stack.url, '198.51.100.20')), '198.51.100.20', 'through the gateway, the client address its front proxy gave')
  t.equal(await sessionIp(await login(stack.auth.url, '203.0.113.9')), '127.0.0.1', 'straight to auth from 127.0.0.1: the header is not believed')

  // Nor can a direct caller spread its failures over made-up addresses: they all count for 127.0.0.1.
  for (let i = 0; i < 3; i++) {
    await fetch(`${stack.auth.url}/auth/login`, {
      method: 'POST',
      headers: { ...json, 'x-forwarded-for': `203.0.113.${i + 10}` },
      body: JSON.stringify({ username: 'traveller', password: 'wrong but long' }),
    })
  }
  const failures = await db.selectFrom('audit_events').select('ip').where('type', '=', 'login_failed').execute()
  t.same([...new Set(failures.map((row) => row.ip))], ['127.0.0.1'], 'every failure is recorded from the real address')
})
