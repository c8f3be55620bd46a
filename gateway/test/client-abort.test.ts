// A client that hangs up mid-upload is nobody's fault here: the gateway, which has no database, never logs it as a database
// outage, never blames (or marks down) the instance it was forwarding to, and goes on serving.
import { connect } from 'node:net'
import t from 'tap'
import { startTestStack } from '@portcullis/testkit/stack'

function sendPartly(port: number, head: string, bodyStart: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(`${head}\r\n\r\n${bodyStart}`)
      setTimeout(() => {
        socket.destroy()
        resolve()
      }, 200)
    })
    socket.on('error', reject)
  })
}

t.test('uploads cut off by the client: no error-level line, no database outage, no upstream blamed', async (t) => {
  const stack = await startTestStack(t, 'sqlite', { authInstances: 2, env: { LOG_LEVEL: 'info' } })
  const port = Number(new URL(stack.url).port)
  const json = 'Host: localhost\r\nContent-Type: application/json'
  for (let i = 0; i < 3; i++) {
    await sendPartly(port, `POST /auth/signup HTTP/1.1\r\n${json}\r\nContent-Length: 5000`, '{"username":"half')
    await sendPartly(port, `POST /auth/login HTTP/1.1\r\n${json}\r\nTransfer-Encoding: chunked`, '10\r\n{"username":"hal\r\n')
  }
  await new Promise((resolve) => setTimeout(resolve, 500))
  const lines = stack.gateway
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { level: number; msg: string })
  t.same(
    lines.filter((line) => line.level >= 50),
    [],
    'nothing at error level',
  )
  t.notOk(
    lines.some((line) => /database/.test(line.msg)),
    'no database is mentioned: the gateway has none',
  )
  t.notOk(
    lines.some((line) => /upstream failed/.test(line.msg)),
    'no upstream is blamed',
  )
  t.ok(
    lines.some((line) => /client closed the connection/.test(line.msg)),
    'the client is said to have gone, at info',
  )
  for (let i = 0; i < 4; i++) {
    const res = await fetch(`${stack.url}/auth/.well-known/jwks.json`)
    t.equal(res.status, 200, 'and the gateway goes on serving over both instances')
  }
})
