// The outbox's sender, one in every auth instance: every second (and at once when nudged) it claims the due mails under a
// lease, delivers them one by one and ends each claim in the step that records the outcome, so a mail is marked sent once,
// by the sender that sent it. A failure is retried later (retry-policy.ts), never dropped.
import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'
import type { Kysely } from 'kysely'
import type { DatabaseKind } from '@portcullis/shared/db/handle'
import type { Database } from '@portcullis/shared/db/schema'
import type { MailDelivery } from './delivery.ts'
import { failureText } from './failure-text.ts'
import { type ClaimedMail, claimDueMails, markSent, recordFailure, releaseClaim, renewClaim } from './outbox-claims.ts'
import { isGivenUp, nextAttemptAt } from './retry-policy.ts'

/** What the sender writes to the log: pino's methods, with the fields first. */
export interface MailLog {
  info(fields: object, message: string): void
  warn(fields: object, message: string): void
  error(fields: object, message: string): void
}

export interface MailSenderOptions {
  db: Kysely<Database>
  databaseKind: DatabaseKind
  now: () => number
  delivery: MailDelivery
  log: MailLog
  /** How often the outbox is looked at when nobody nudges; 1 s. */
  pollEveryMs?: number
  /** Mails claimed at once; 10. */
  batchSize?: number
  /** How long a claim keeps other senders off a mail; 60 s, twice the longest send. */
  leaseMs?: number
}

export interface MailSender {
  start(): void
  /** Looks at the outbox now instead of at the next poll: call it once a mail is enqueued (and committed). */
  nudge(): void
  /** Takes no more mail, lets the send under way finish (or abandons it after a few seconds) and closes the delivery. */
  stop(): Promise<void>
}

/** A send still running after this is abandoned: well within the lease, so no other sender starts the same mail meanwhile. */
const SEND_TIMEOUT_MS = 30_000
/** How long stop() lets a send under way finish before abandoning it. */
const STOP_GRACE_MS = 5_000

export function createMailSender(options: MailSenderOptions): MailSender {
  const { db, databaseKind, now, delivery, log } = options
  const pollEveryMs = options.pollEveryMs ?? 1_000
  const batchSize = options.batchSize ?? 10
  const leaseMs = options.leaseMs ?? 60_000
  const claimant = `${hostname().slice(0, 40)}/${process.pid}/${randomBytes(4).toString('hex')}`
  const abandon = new AbortController()
  let stopping = false
  let nudged = false
  let wake: (() => void) | undefined
  let loop: Promise<void> | undefined
  let outboxUnreachable = false

  function pause(): Promise<void> {
    if (nudged || stopping) {
      nudged = false
      return Promise.resolve()
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer)
        wake = undefined
        nudged = false
        resolve()
      }
      const timer = setTimeout(done, pollEveryMs)
      timer.unref()
      wake = done
    })
  }

  async function failed({ mail, claim }: ClaimedMail, error: unknown): Promise<void> {
    const attempts = mail.attempts + 1
    const lastError = failureText(error)
    const retryAt = nextAttemptAt(attempts, now())
    if (!(await recordFailure(db, mail.id, claim, { attempts, lastError, nextAttemptAt: retryAt }))) {
      log.warn({ mail: mail.id }, 'mail not sent, and its claim had passed to another sender, which tries again')
      return
    }
    const fields = { mail: mail.id, kind: mail.kind, to: mail.recipient, attempts, error: lastError }
    if (isGivenUp(attempts)) log.error(fields, `mail to ${mail.recipient} not sent after ${attempts} attempts, given up: ${lastError}`)
    else log.warn(fields, `mail to ${mail.recipient} not sent (attempt ${attempts}), tried again in ${Math.round((retryAt - now()) / 1000)} s: ${lastError}`)
  }

  async function deliverOne(claimed: ClaimedMail): Promise<void> {
    const { mail } = claimed
    // A claim that may run out before the send's own deadline is extended first.
    const claim = claimed.claim.until - now() > SEND_TIMEOUT_MS ? claimed.claim : await renewClaim(db, mail.id, claimed.claim, now(), leaseMs)
    if (claim === undefined) return
    const held = { mail, claim }
    let summary: string
    try {
      summary = await delivery.deliver(mail, now(), AbortSignal.any([abandon.signal, AbortSignal.timeout(SEND_TIMEOUT_MS)]))
    } catch (error) {
      if (abandon.signal.aborted) {
        await releaseClaim(db, mail.id, claim)
        log.warn({ mail: mail.id }, `mail to ${mail.recipient} abandoned as the sender stops; the next sender tries again`)
        return
      }
      await failed(held, error)
      return
    }
    const attempts = mail.attempts + 1
    if (await markSent(db, mail.id, claim, { sentAt: now(), attempts })) log.info({ mail: mail.id, kind: mail.kind, to: mail.recipient, attempts }, summary)
    else log.error({ mail: mail.id }, `mail to ${mail.recipient} sent, but its claim had passed to another sender: it may arrive twice`)
  }

  /** One round: claims a batch and delivers it; true when the batch was full (more may be due). */
  async function deliverDue(): Promise<boolean> {
    const claimed = await claimDueMails(db, databaseKind, { claimant, now: now(), leaseMs, limit: batchSize })
    for (const [index, item] of claimed.entries()) {
      if (stopping) {
        await Promise.all(claimed.slice(index).map(({ mail, claim }) => releaseClaim(db, mail.id, claim)))
        return false
      }
      await deliverOne(item)
    }
    return claimed.length === batchSize
  }

  async function run(): Promise<void> {
    while (!stopping) {
      let more = false
      try {
        more = await deliverDue()
        if (outboxUnreachable) log.info({}, 'the mail sender reaches the outbox again')
        outboxUnreachable = false
      } catch (error) {
        // One line when the outbox cannot be read, not one a second.
        if (!outboxUnreachable && !stopping) log.warn({ error: failureText(error) }, 'the mail sender cannot work the outbox')
        outboxUnreachable = true
      }
      if (!more) await pause()
    }
  }

  return {
    start() {
      loop ??= run()
    },
    nudge() {
      nudged = true
      wake?.()
    },
    async stop() {
      stopping = true
      wake?.()
      const grace = setTimeout(() => abandon.abort(), STOP_GRACE_MS)
      // A round stuck on an unreachable database is not waited for past the grace: it ends by itself, taking nothing more.
      let waited: NodeJS.Timeout | undefined
      const givenUp = new Promise<void>((resolve) => {
        waited = setTimeout(resolve, STOP_GRACE_MS + 1_000)
      })
      try {
        await Promise.race([loop, givenUp])
      } finally {
        clearTimeout(grace)
        clearTimeout(waited)
        delivery.close()
      }
    },
  }
}
