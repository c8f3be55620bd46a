import t from 'tap'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { testDatabaseKinds } from '@portcullis/testkit/databases'
import { STRONG_PASSWORD, signup, startTestAuth } from '@portcullis/testkit/auth-app'

type Asserts = Pick<typeof t, 'equal' | 'ok' | 'match' | 'notOk'>

const THROTTLE_ENV = { LOGIN_ACCOUNT_FREE_FAILURES: '3', LOGIN_IP_FREE_FAILURES: '20' }
const WRONG = 'definitely not the password'

function login(app: FastifyInstance, username: string, password: string, ip: string): Promise<LightMyRequestResponse> {
  return app.inject({ method: 'POST', url: '/auth/login', payload: { username, password }, remoteAddress: ip })
}

/** The Retry-After of a 429, as a number of seconds; NaN when absent or not numeric. */
function retryAfter(res: LightMyRequestResponse): number {
  const value = res.headers['retry-after']
  return typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : Number.NaN
}

async function fail(t: Asserts, app: FastifyInstance, username: string, ip: string, times: number): Promise<void> {
  for (let i = 0; i < times; i++) {
    const res = await login(app, username, WRONG, ip)
    t.equal(res.statusCode, 401, `failure ${i + 1} of ${username} from ${ip} is a plain 401`)
  }
}

function assertThrottled(t: Asserts, res: LightMyRequestResponse, message: string): number {
  t.equal(res.statusCode, 429, message)
  t.equal(res.json().code, 'too_many_attempts', `${message}: too_many_attempts`)
  t.match(res.headers['content-type'], /application\/problem\+json/, `${message}: problem+json`)
  t.notOk(res.json().access_token, `${message}: no token`)
  const seconds = retryAfter(res)
  t.ok(seconds >= 1, `${message}: numeric Retry-After >= 1 (got ${res.headers['retry-after']})`)
  return seconds
}

for (const kind of testDatabaseKinds()) {
  t.test(`login throttling on ${kind}`, async (t) => {
    const { app, database, clock } = await startTestAuth(t, kind, THROTTLE_ENV)
    for (const name of ['victim', 'grower', 'waiter', 'known']) {
      t.equal((await signup(app, name)).statusCode, 201, `${name} signed up`)
    }

    t.test('the username and the email of one account share one bucket, however they are written', async (t) => {
      const made = await app.inject({
        method: 'POST',
        url: '/auth/signup',
        payload: { username: 'two-names', password: STRONG_PASSWORD, email: 'two.names@example.com' },
      })
      t.equal(made.statusCode, 201)
      // Three free failures in all (THROTTLE_ENV), spread over every way of naming the account.
      await fail(t, app, 'two-names', '10.9.0.1', 1)
      await fail(t, app, 'two.names@example.com', '10.9.0.1', 1)
      await fail(t, app, '  TWO-NAMES ', '10.9.0.1', 1)
      for (const name of ['two-names', 'two.names@example.com', 'Two.Names@Example.com']) {
        assertThrottled(t, await login(app, name, STRONG_PASSWORD, '10.9.0.1'), `then ${name} waits too`)
      }
      t.equal((await login(app, 'two.names@example.com', STRONG_PASSWORD, '10.9.0.2')).statusCode, 200, 'the owner elsewhere is not locked out')
    })

    t.test('after 3 failures from one IP even the right password gets 429 with Retry-After', async (t) => {
      await fail(t, app, 'victim', '10.1.0.1', 3)
      const blocked = await login(app, 'victim', STRONG_PASSWORD, '10.1.0.1')
      assertThrottled(t, blocked, 'the right password from the same IP')
      const otherCase = await login(app, 'VICTIM', STRONG_PASSWORD, '10.1.0.1')
      assertThrottled(t, otherCase, 'the same account in another case')

      const elsewhere = await login(app, 'victim', STRONG_PASSWORD, '10.1.0.2')
      t.equal(elsewhere.statusCode, 200, 'the owner can still log in from another IP')

      const events = await database.handle.db
        .selectFrom('audit_events')
        .select('type')
        .where('ip', '=', '10.1.0.1')
        .where('type', '=', 'login_throttled')
        .execute()
      t.ok(events.length >= 1, 'throttled attempts are audited')
    })

    t.test('after Retry-After has passed, the right password works again', async (t) => {
      await fail(t, app, 'waiter', '10.2.0.1', 3)
      const blocked = await login(app, 'waiter', STRONG_PASSWORD, '10.2.0.1')
      const seconds = assertThrottled(t, blocked, 'blocked')
      clock.advance(seconds * 1000 - 1)
      const early = await login(app, 'waiter', STRONG_PASSWORD, '10.2.0.1')
      t.equal(early.statusCode, 429, 'still blocked a moment before Retry-After')
      clock.advance(1)
      const later = await login(app, 'waiter', STRONG_PASSWORD, '10.2.0.1')
      t.equal(later.statusCode, 200, 'allowed once Retry-After has passed')
      const again = await login(app, 'waiter', WRONG, '10.2.0.1')
      t.equal(again.statusCode, 401, 'a success clears the account failures: the next failure is free again')
    })

    t.test('the back-off grows with more failures', async (t) => {
      await fail(t, app, 'grower', '10.3.0.1', 3)
      const waits: number[] = []
      for (let round = 0; round < 3; round++) {
        const blocked = await login(app, 'grower', STRONG_PASSWORD, '10.3.0.1')
        const seconds = assertThrottled(t, blocked, `round ${round + 1}`)
        waits.push(seconds)
        clock.advance(seconds * 1000)
        const res = await login(app, 'grower', WRONG, '10.3.0.1')
        t.equal(res.statusCode, 401, `round ${round + 1}: the wait is over, the wrong password is a 401`)
      }
      const last = await login(app, 'grower', STRONG_PASSWORD, '10.3.0.1')
      waits.push(assertThrottled(t, last, 'last round'))
      t.ok(
        waits.every((wait, i) => i === 0 || wait > (waits[i - 1] ?? Number.POSITIVE_INFINITY)),
        `every wait is longer than the one before: ${waits.join(', ')}`,
      )
    })

    t.test('many failures across usernames from one IP throttle that IP only', async (t) => {
      for (let i = 0; i < 20; i++) {
        const res = await login(app, `sprayed-${i}`, WRONG, '10.4.0.1')
        t.equal(res.statusCode, 401, `spray ${i + 1} is a plain 401`)
      }
      const fresh = await login(app, 'known', STRONG_PASSWORD, '10.4.0.1')
      assertThrottled(t, fresh, 'a fresh username with the right password from the spraying IP')
      const freshUnknown = await login(app, 'never-tried', WRONG, '10.4.0.1')
      assertThrottled(t, freshUnknown, 'a fresh unknown username from the spraying IP')
      const otherIp = await login(app, 'known', STRONG_PASSWORD, '10.4.0.2')
      t.equal(otherIp.statusCode, 200, 'another IP is not affected')
    })

    t.test('unknown usernames are throttled exactly like known ones', async (t) => {
      await fail(t, app, 'known', '10.5.0.1', 3)
      await fail(t, app, 'nobody-at-all', '10.5.0.2', 3)
      const known = await login(app, 'known', STRONG_PASSWORD, '10.5.0.1')
      const unknown = await login(app, 'nobody-at-all', STRONG_PASSWORD, '10.5.0.2')
      const knownWait = assertThrottled(t, known, 'known user')
      const unknownWait = assertThrottled(t, unknown, 'unknown user')
      t.equal(unknownWait, knownWait, 'the same wait')
      t.equal(unknown.json().detail, known.json().detail, 'the same detail')
      t.equal(unknown.json().code, known.json().code, 'the same code')
    })

    t.test('a 4th wrong password is a 429, not a 401, and does not grow the wait while blocked', async (t) => {
      await fail(t, app, 'victim', '10.6.0.1', 3)
      const first = assertThrottled(t, await login(app, 'victim', WRONG, '10.6.0.1'), 'wrong password while blocked')
      const second = assertThrottled(t, await login(app, 'victim', WRONG, '10.6.0.1'), 'again while blocked')
      t.equal(second, first, 'attempts refused by the throttle do not lengthen it')
    })
  })
}

t.test('an IPv6 attacker is one client across its /64 for the login back-off', async (t) => {
  const { app } = await startTestAuth(t, 'sqlite', THROTTLE_ENV)
  t.equal((await signup(app, 'v6-victim')).statusCode, 201)
  for (let i = 0; i < 3; i++) t.equal((await login(app, 'v6-victim', WRONG, `2001:db8:aa:bb:${i}::1`)).statusCode, 401)
  assertThrottled(t, await login(app, 'v6-victim', STRONG_PASSWORD, '2001:db8:aa:bb:ffff::9'), 'another address of the same /64')
  t.equal((await login(app, 'v6-victim', STRONG_PASSWORD, '2001:db8:aa:cc::1')).statusCode, 200, 'another /64 is another client')
})
