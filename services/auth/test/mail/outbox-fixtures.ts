// What the mail tests share: a mail put in the outbox as a route would, its row read back, a condition waited for with a
// deadline, and a log that keeps what the sender writes.
import type { Kysely } from 'kysely'
import type { Database } from '@portcullis/shared/db/schema'
import { enqueueMail } from '@portcullis/shared/mail/outbox'
import type { MailLog } from '@portcullis/auth/mail/sender'

/** Long enough that a mail encoding which wraps lines would break it, so the tests see the link survive. */
export const LONG_LINK = `https://portcullis.example.test/verify-email?token=${'k'.repeat(120)}`

export interface TestMail {
  to: string
  subject: string
  text: string
  html: string
}

export function testMail(to: string, subject = `Confirm your address, ${to}`): TestMail {
  return {
    to,
    subject,
    text: `Hello ${to},\n\nconfirm your address by opening ${LONG_LINK}.\n\nThe link works once.\n`,
    html: `<!doctype html><html><body><p>Hello ${to},</p><p><a href="${LONG_LINK}">Confirm your address</a></p></body></html>`,
  }
}

/** Puts a mail in the outbox, due at `now`; returns its id. */
export function enqueueTestMail(db: Kysely<Database>, now: number, mail: TestMail): Promise<string> {
  return enqueueMail(db, { kind: 'verify_email', userId: null, ...mail }, now)
}

export function outboxRow(db: Kysely<Database>, id: string) {
  return db.selectFrom('mail_outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
}

/** Polls `check` until it returns true, failing with `what` after `timeoutMs`. */
export async function waitUntil(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() >= deadline) throw new Error(`${what}: not within ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/** Resolves after `ms`: long enough for a sender to have run a round it should not have done anything in. */
export function quietFor(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

export interface LogLine {
  level: 'info' | 'warn' | 'error'
  fields: object
  message: string
}

/** A MailLog that keeps every line, for the tests that read what the sender logged. */
export function keptLog(): MailLog & { lines: LogLine[] } {
  const lines: LogLine[] = []
  return {
    lines,
    info: (fields, message) => lines.push({ level: 'info', fields, message }),
    warn: (fields, message) => lines.push({ level: 'warn', fields, message }),
    error: (fields, message) => lines.push({ level: 'error', fields, message }),
  }
}
