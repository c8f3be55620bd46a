// Every mail Portcullis sends is first a row of the outbox, written with the same database handle (the same transaction)
// as what causes it: a password reset's token and its mail commit together or not at all. The sender in auth
// (services/auth/src/mail) delivers the rows, with retries, whatever happened to the process that wrote them.
import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.ts'
import { newId } from '../ids.ts'
import type { RenderedMail } from './templates.ts'

export interface OutgoingMail extends RenderedMail {
  /** The template it was made from: reset_password, verify_email, ... (the admin console lists failures by it). */
  kind: string
  to: string
  /** The account it is about, if any. */
  userId: string | null
}

/** Adds the mail to the outbox, due at once; returns its id. Pass the transaction of the change that sends it. */
export async function enqueueMail(db: Kysely<Database>, mail: OutgoingMail, now: number): Promise<string> {
  const id = newId()
  await db
    .insertInto('mail_outbox')
    .values({
      id,
      kind: mail.kind,
      user_id: mail.userId,
      recipient: mail.to,
      subject: mail.subject,
      text_body: mail.text,
      html_body: mail.html,
      created_at: now,
      attempts: 0,
      next_attempt_at: now,
      claimed_by: null,
      claimed_until: null,
      sent_at: null,
      last_error: null,
    })
    .execute()
  return id
}

/** How long a sent mail stays in the outbox: its body holds its link, so not much longer than the link works. */
export const SENT_MAIL_KEPT_MS = 86_400_000

/** Drops mails sent more than a day ago (the unsent and failed stay, for the sender and the admin console). */
export async function pruneSentMail(db: Kysely<Database>, now: number): Promise<void> {
  await db
    .deleteFrom('mail_outbox')
    .where('sent_at', 'is not', null)
    .where('sent_at', '<', now - SENT_MAIL_KEPT_MS)
    .execute()
}
