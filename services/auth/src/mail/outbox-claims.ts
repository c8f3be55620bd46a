// A sender's claims on the outbox: it takes due mails under a lease (claimed_by, claimed_until) that no other sender takes
// them from before it runs out, so a crashed sender's mails go to another once the lease has passed. Every claim ends in one
// UPDATE that records the outcome (sent, failed, released) and only while the claim is still this sender's.
import type { ExpressionBuilder, Kysely, Selectable } from 'kysely'
import type { DatabaseKind } from '@portcullis/shared/db/handle'
import type { Database, MailOutboxTable } from '@portcullis/shared/db/schema'

export type OutboxMail = Selectable<MailOutboxTable>

/** A sender's hold on a mail: still its own while both values are what it wrote. */
export interface Claim {
  by: string
  until: number
}

export interface ClaimedMail {
  mail: OutboxMail
  claim: Claim
}

export interface ClaimRequest {
  claimant: string
  now: number
  leaseMs: number
  limit: number
}

/** Due: not sent, its time has come, and nobody holds a lease on it. */
function isDue(eb: ExpressionBuilder<Database, 'mail_outbox'>, now: number) {
  return eb.and([eb('sent_at', 'is', null), eb('next_attempt_at', '<=', now), eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)])])
}

/** MySQL/MariaDB: senders on other hosts skip the rows one of them is claiming instead of waiting for it. */
async function claimOnMysql(db: Kysely<Database>, request: ClaimRequest, claim: Claim): Promise<OutboxMail[]> {
  return db.transaction().execute(async (trx) => {
    const due = await trx
      .selectFrom('mail_outbox')
      .selectAll()
      .where((eb) => isDue(eb, request.now))
      .orderBy('next_attempt_at')
      .limit(request.limit)
      .forUpdate()
      .skipLocked()
      .execute()
    if (due.length === 0) return []
    await trx
      .updateTable('mail_outbox')
      .set({ claimed_by: claim.by, claimed_until: claim.until })
      .where(
        'id',
        'in',
        due.map((mail) => mail.id),
      )
      .execute()
    return due
  })
}

/** SQLite has one writer at a time: an UPDATE that checks again that each row is due claims it atomically. */
async function claimOnSqlite(db: Kysely<Database>, request: ClaimRequest, claim: Claim): Promise<OutboxMail[]> {
  return db
    .updateTable('mail_outbox')
    .set({ claimed_by: claim.by, claimed_until: claim.until })
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('mail_outbox')
        .select('id')
        .where((inner) => isDue(inner, request.now))
        .orderBy('next_attempt_at')
        .limit(request.limit),
    )
    .where((eb) => isDue(eb, request.now))
    .returningAll()
    .execute()
}

/** Claims up to `limit` due mails, oldest due first, until now + leaseMs. */
export async function claimDueMails(db: Kysely<Database>, kind: DatabaseKind, request: ClaimRequest): Promise<ClaimedMail[]> {
  const claim: Claim = { by: request.claimant, until: request.now + request.leaseMs }
  const mails = kind === 'mysql' ? await claimOnMysql(db, request, claim) : await claimOnSqlite(db, request, claim)
  return mails.map((mail) => ({ mail: { ...mail, claimed_by: claim.by, claimed_until: claim.until }, claim }))
}

function stillOurs(eb: ExpressionBuilder<Database, 'mail_outbox'>, id: string, claim: Claim) {
  return eb.and([eb('id', '=', id), eb('claimed_by', '=', claim.by), eb('claimed_until', '=', claim.until), eb('sent_at', 'is', null)])
}

async function updatedOne(result: Promise<{ numUpdatedRows: bigint }>): Promise<boolean> {
  return (await result).numUpdatedRows > 0n
}

/** Extends the lease to now + leaseMs; undefined when the claim is no longer this sender's. */
export async function renewClaim(db: Kysely<Database>, id: string, claim: Claim, now: number, leaseMs: number): Promise<Claim | undefined> {
  const renewed: Claim = { by: claim.by, until: now + leaseMs }
  if (renewed.until === claim.until) return claim
  const held = await updatedOne(
    db
      .updateTable('mail_outbox')
      .set({ claimed_until: renewed.until })
      .where((eb) => stillOurs(eb, id, claim))
      .executeTakeFirst(),
  )
  return held ? renewed : undefined
}

export interface Sent {
  sentAt: number
  /** How many times it was tried in all, this one included. */
  attempts: number
}

/** Marks the mail sent and ends the claim, in one step; false when the claim had passed to another sender. */
export async function markSent(db: Kysely<Database>, id: string, claim: Claim, sent: Sent): Promise<boolean> {
  return updatedOne(
    db
      .updateTable('mail_outbox')
      .set({ sent_at: sent.sentAt, attempts: sent.attempts, claimed_by: null, claimed_until: null })
      .where((eb) => stillOurs(eb, id, claim))
      .executeTakeFirst(),
  )
}

export interface Failure {
  /** How many times it was tried in all, this one included. */
  attempts: number
  lastError: string
  nextAttemptAt: number
}

/** Records a failed attempt and when to try again, and ends the claim; false when the claim had passed to another sender. */
export async function recordFailure(db: Kysely<Database>, id: string, claim: Claim, failure: Failure): Promise<boolean> {
  return updatedOne(
    db
      .updateTable('mail_outbox')
      .set({ attempts: failure.attempts, last_error: failure.lastError, next_attempt_at: failure.nextAttemptAt, claimed_by: null, claimed_until: null })
      .where((eb) => stillOurs(eb, id, claim))
      .executeTakeFirst(),
  )
}

/** Gives the mail back untried (the sender is stopping), due at once for whichever sender comes next. */
export async function releaseClaim(db: Kysely<Database>, id: string, claim: Claim): Promise<boolean> {
  return updatedOne(
    db
      .updateTable('mail_outbox')
      .set({ claimed_by: null, claimed_until: null })
      .where((eb) => stillOurs(eb, id, claim))
      .executeTakeFirst(),
  )
}
