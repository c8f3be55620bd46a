// When a mail that could not be sent is tried again: soon at first (the relay blinked), then twice as long each time up to
// five minutes, and after MAX_ATTEMPTS never: it stays in the outbox, unsent, with its last error, for the admin console.
export const MAX_ATTEMPTS = 20

const FIRST_RETRY_MS = 2_000
const LONGEST_WAIT_MS = 5 * 60_000

/** The next_attempt_at of a mail given up on: never due, and still a date anyone can print (9999-12-31). */
export const GIVEN_UP_AT = Date.UTC(9999, 11, 31, 23, 59, 59, 999)

/** A mail that failed `attempts` times in all is given up on. */
export function isGivenUp(attempts: number): boolean {
  return attempts >= MAX_ATTEMPTS
}

/** When a mail that has now failed `attempts` times (1 after the first failure) is due again. */
export function nextAttemptAt(attempts: number, now: number): number {
  if (isGivenUp(attempts)) return GIVEN_UP_AT
  return now + Math.min(FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1), LONGEST_WAIT_MS)
}
