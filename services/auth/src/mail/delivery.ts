// How the sender hands a mail on: to the relay of SMTP_URL, or, without one, into the embedded mail drop in DATA_DIR/mail.
import type { AuthConfig } from '../config.ts'
import { createFileDropDelivery } from './file-drop-delivery.ts'
import { mailDropDir } from './mail-drop-files.ts'
import type { OutboxMail } from './outbox-claims.ts'
import { createSmtpDelivery } from './smtp-delivery.ts'

export interface MailDelivery {
  /**
   * Delivers the mail, or rejects with an error whose message may be stored and logged (it names no secret). Resolves with
   * the line to log for it.
   */
  deliver(mail: OutboxMail, now: number, signal: AbortSignal): Promise<string>
  close(): void
}

export function createDelivery(config: Pick<AuthConfig, 'smtpUrl' | 'smtpCaFile' | 'mailFrom' | 'dataDir'>): MailDelivery {
  if (config.smtpUrl === undefined) return createFileDropDelivery({ dir: mailDropDir(config.dataDir), from: config.mailFrom })
  return createSmtpDelivery({ url: config.smtpUrl, caFile: config.smtpCaFile, from: config.mailFrom })
}
