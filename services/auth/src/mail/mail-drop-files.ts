// The embedded mail drop (no SMTP_URL): DATA_DIR/mail, one `<created_at as YYYYMMDD-HHmmss-SSS, UTC>-<outbox id>.eml` per
// mail, so a listing sorts oldest first and a mail delivered twice is still one file. Readers (testkit's mailbox, the local
// inbox of pnpm start) take only names of this shape from the listing.
import path from 'node:path'

const FILE_NAME = /^\d{8}-\d{6}-\d{3}-[0-9A-Za-z-]{1,64}\.eml$/

/** The folder the embedded default writes its mails to. */
export function mailDropDir(dataDir: string): string {
  return path.join(dataDir, 'mail')
}

const two = (value: number) => String(value).padStart(2, '0')

/** The file a mail of the outbox is written to: its creation time, then its id. */
export function mailDropFileName(mail: { id: string; created_at: number }): string {
  const at = new Date(mail.created_at)
  const day = `${at.getUTCFullYear()}${two(at.getUTCMonth() + 1)}${two(at.getUTCDate())}`
  const time = `${two(at.getUTCHours())}${two(at.getUTCMinutes())}${two(at.getUTCSeconds())}`
  return `${day}-${time}-${String(at.getUTCMilliseconds()).padStart(3, '0')}-${mail.id}.eml`
}

/** True for the name of a finished mail file; a file still being written, or anything else in the folder, is not one. */
export function isMailDropFileName(name: string): boolean {
  return FILE_NAME.test(name)
}
