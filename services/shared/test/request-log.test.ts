// The one request line, as a collector reads it: no credential of the request in it, whether it came in a header, a body or
// a link's query, and the rest of the URL as it was.
import { Writable } from 'node:stream'
import Fastify from 'fastify'
import t from 'tap'
import { loggerOptions } from '../src/logger.ts'
import { loggedUrl, OneLineRequestLog } from '../src/request-log.ts'

t.test('a request line carries no credential', async (t) => {
  let written = ''
  const stream = new Writable({
    write(chunk, _encoding, done) {
      written += chunk.toString()
      done()
    },
  })
  const options = loggerOptions('info', 'test', 'json') as Record<string, unknown>
  const app = Fastify({ logger: { ...options, stream }, logController: new OneLineRequestLog() })
  app.post('/auth/login', async (request) => {
    request.log.info({ headers: request.headers }, 'headers, were a line to carry them')
    return { access_token: 'issued-access-token-value', refresh_token: 'issued-refresh-token-value' }
  })
  app.get('/reset-password', async () => 'page')
  t.teardown(() => app.close())

  const login = await app.inject({
    method: 'POST',
    url: '/auth/login',
    headers: { authorization: 'Bearer sent-bearer-token', cookie: 'portcullis_refresh=sent-cookie-value', 'content-type': 'application/json' },
    payload: { username: 'alice', password: 'hunter2-password-in-body' },
  })
  t.equal(login.statusCode, 200)
  const page = await app.inject({ url: '/reset-password?lang=en&token=link-token-secret&next=%2Fdashboard' })
  t.equal(page.statusCode, 200)
  t.notMatch(written, /sent-bearer-token|sent-cookie-value|hunter2-password-in-body|issued-access-token|issued-refresh-token|link-token-secret/)
  t.match(written, /"url":"\/reset-password\?lang=en&token=\[redacted\]&next=%2Fdashboard"/, 'the rest of the URL stays')
  t.match(written, /"authorization":"\[redacted\]"/)
})

t.test('which query values are censored', async (t) => {
  t.equal(loggedUrl('/user/profile'), '/user/profile')
  t.equal(loggedUrl('/admin/users?cursor=abc&limit=50'), '/admin/users?cursor=abc&limit=50')
  t.equal(loggedUrl('/verify-email?token=abc'), '/verify-email?token=[redacted]')
  t.equal(loggedUrl('/oidc/session/end?id_token_hint=eyJ.x.y&state=s'), '/oidc/session/end?id_token_hint=[redacted]&state=s')
  t.equal(loggedUrl('/x?mytoken=keep&Token=gone'), '/x?mytoken=keep&Token=[redacted]')
})
