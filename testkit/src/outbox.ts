// The outbox as a test reads it: the mails written for someone, newest first, and the link in a mail's text.
import type { DatabaseHandle } from '@portcullis/shared/db/handle'

type Db = DatabaseHandle['db']

export interface OutboxMail {
  id: string
  kind: string
  recipient: string
  subject: string
  text: string
  html: string
}

/** The mails written to `to` (of `kind`, if given), newest first. */
export async function mailsTo(db: Db, to: string, kind?: string): Promise<OutboxMail[]> {
  let query = db.selectFrom('mail_outbox').selectAll().where('recipient', '=', to)
  if (kind) query = query.where('kind', '=', kind)
  const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').execute()
  return rows.map((row) => ({ id: row.id, kind: row.kind, recipient: row.recipient, subject: row.subject, text: row.text_body, html: row.html_body }))
}

/** The first link to one of our pages in a mail's text: `https://…/reset-password?token=…`. */
export function linkIn(text: string): URL {
  const found = /https?:\/\/\S+\?token=[A-Za-z0-9_-]+/.exec(text)
  if (!found) throw new Error(`no link in the mail:\n${text}`)
  return new URL(found[0])
}

/** The token of the newest mail of `kind` to `to`. */
export async function tokenMailedTo(db: Db, to: string, kind: string): Promise<string> {
  const [mail] = await mailsTo(db, to, kind)
  if (!mail) throw new Error(`no ${kind} mail to ${to}`)
  const token = linkIn(mail.text).searchParams.get('token')
  if (!token) throw new Error('the link has no token')
  return token
}
