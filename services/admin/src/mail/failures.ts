// The mails the sender has not delivered after at least one failed try, for the admin console: what, to whom, why.
import type { Kysely } from 'kysely'
import type { MailFailure } from '@portcullis/shared/api/admin'
import type { Database } from '@portcullis/shared/db/schema'

const SHOWN = 100

export async function undeliveredMail(db: Kysely<Database>): Promise<MailFailure[]> {
  const rows = await db
    .selectFrom('mail_outbox')
    .leftJoin('users', 'users.id', 'mail_outbox.user_id')
    .select([
      'mail_outbox.id',
      'mail_outbox.kind',
      'mail_outbox.recipient',
      'mail_outbox.subject',
      'mail_outbox.attempts',
      'mail_outbox.last_error',
      'mail_outbox.created_at',
      'mail_outbox.next_attempt_at',
      'users.id as user_id',
      'users.username',
    ])
    .where('mail_outbox.sent_at', 'is', null)
    .where('mail_outbox.last_error', 'is not', null)
    .orderBy('mail_outbox.created_at', 'asc')
    .limit(SHOWN)
    .execute()
  return rows.map((row) => ({
    id: row.id,
    kind: row.kind,
    recipient: row.recipient,
    subject: row.subject,
    user: row.user_id && row.username ? { id: row.user_id, username: row.username } : null,
    attempts: Math.max(1, Number(row.attempts)),
    last_error: row.last_error ?? '',
    created_at: new Date(Number(row.created_at)).toISOString(),
    next_attempt_at: new Date(Number(row.next_attempt_at)).toISOString(),
  }))
}
