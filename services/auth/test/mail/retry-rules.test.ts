// The retry schedule and what a failure leaves in last_error.
import t from 'tap'
import { failureText } from '@portcullis/auth/mail/failure-text'
import { GIVEN_UP_AT, MAX_ATTEMPTS, isGivenUp, nextAttemptAt } from '@portcullis/auth/mail/retry-policy'

t.test('the wait starts at 2 s, doubles, stops growing at 5 minutes, and ends after MAX_ATTEMPTS', async (t) => {
  const waits = Array.from({ length: MAX_ATTEMPTS - 1 }, (_, i) => nextAttemptAt(i + 1, 1_000) - 1_000)
  t.same(waits.slice(0, 5), [2_000, 4_000, 8_000, 16_000, 32_000])
  t.equal(Math.max(...waits), 300_000)
  t.equal(waits.at(-1), 300_000)
  t.equal(nextAttemptAt(MAX_ATTEMPTS, 1_000), GIVEN_UP_AT, 'never due again')
  t.notOk(isGivenUp(MAX_ATTEMPTS - 1))
  t.ok(isGivenUp(MAX_ATTEMPTS))
  t.equal(new Date(GIVEN_UP_AT).toISOString(), '9999-12-31T23:59:59.999Z')
})

t.test('last_error: one line, the code first, at most 500 characters, no secret', async (t) => {
  const error = Object.assign(new Error('Invalid login:\r\n535 5.7.8 user s3cret-pass refused'), { code: 'EAUTH' })
  t.equal(failureText(error, ['s3cret-pass']), 'EAUTH: Invalid login: 535 5.7.8 user *** refused')
  const long = failureText(new Error('x'.repeat(2_000)))
  t.equal(long.length, 500)
  t.ok(long.endsWith('…'))
  t.equal(failureText('plain words'), 'plain words')
  t.equal(failureText(new Error('   ')), 'unknown error')
})
