// An outbox row as the message Nodemailer writes: From MAIL_FROM, To its recipient, its subject, a text and an HTML part,
// and a Message-ID made of the row's id, so that a mail tried twice is recognisably the same mail.
import type { SendMailOptions } from 'nodemailer'
import type { OutboxMail } from './outbox-claims.ts'

/** The domain of the From address, for the Message-ID; `localhost` when none can be read from it. */
function senderDomain(from: string): string {
  return /@([A-Za-z0-9.-]+)>?\s*$/.exec(from)?.[1] ?? 'localhost'
}

export function messageOf(mail: OutboxMail, from: string, now: number): SendMailOptions {
  return {
    from,
    to: mail.recipient,
    subject: mail.subject,
    text: mail.text_body,
    html: mail.html_body,
    date: new Date(now),
    messageId: `<${mail.id}@${senderDomain(from)}>`,
    // The parts are the templates' text: nothing in them may make Nodemailer read a file or fetch a URL.
    disableFileAccess: true,
    disableUrlAccess: true,
  }
}
