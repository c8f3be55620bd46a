// Mail as a reader sees it: the embedded mail drop's files (DATA_DIR/mail, written by auth without SMTP_URL) parsed with
// mailparser, oldest first. The tests read it, and so does the local inbox of pnpm start.
import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { simpleParser } from 'mailparser'
import { isMailDropFileName } from '@portcullis/auth/mail/mail-drop-files'

/** One mail, parsed. */
export interface ParsedMessage {
  /** The recipients' addresses, comma-separated (a Portcullis mail has one). */
  to: string
  from: string
  subject: string
  text: string
  /** The HTML part; '' when there is none. */
  html: string
  date: Date | undefined
  messageId: string | undefined
  /** The message as written, headers and all. */
  raw: Buffer
}

/** A mail of the drop: what it says, and its file's name in the folder. */
export interface DroppedMail extends ParsedMessage {
  file: string
}

type AddressField = { value: { address?: string | undefined }[] } | { value: { address?: string | undefined }[] }[] | undefined

function addresses(field: AddressField): string {
  const groups = field === undefined ? [] : Array.isArray(field) ? field : [field]
  return groups
    .flatMap((group) => group.value.map((entry) => entry.address ?? ''))
    .filter(Boolean)
    .join(', ')
}

/** Parses an RFC 822 message (a drop file, or what an SMTP server received). */
export async function parseMessage(source: Buffer | string): Promise<ParsedMessage> {
  const raw = Buffer.isBuffer(source) ? source : Buffer.from(source)
  const parsed = await simpleParser(raw, { skipHtmlToText: true, skipTextToHtml: true })
  return {
    to: addresses(parsed.to),
    from: addresses(parsed.from),
    subject: parsed.subject ?? '',
    text: parsed.text ?? '',
    html: typeof parsed.html === 'string' ? parsed.html : '',
    date: parsed.date,
    messageId: parsed.messageId,
    raw,
  }
}

/** The names of the mail files in the drop, oldest first; [] when nothing was ever dropped. Only these may be opened. */
export async function listMailDrop(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter(isMailDropFileName).sort()
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw error
  }
}

/** One mail of the drop by its name as listMailDrop gave it; undefined for any other name (no path ever leaves the folder). */
export async function readDroppedMail(dir: string, file: string): Promise<DroppedMail | undefined> {
  if (!(await listMailDrop(dir)).includes(file)) return undefined
  return { file, ...(await parseMessage(await readFile(path.join(dir, file)))) }
}

/** Every mail of the drop in `dir`, parsed, oldest first. */
export async function readMailDrop(dir: string): Promise<DroppedMail[]> {
  const files = await listMailDrop(dir)
  return Promise.all(files.map(async (file) => ({ file, ...(await parseMessage(await readFile(path.join(dir, file)))) })))
}

/** Resolves with the first mail of the drop that matches, polling until `timeoutMs`; rejects naming what did arrive. */
export async function waitForMail(dir: string, predicate: (mail: DroppedMail) => boolean, timeoutMs = 10_000): Promise<DroppedMail> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const mails = await readMailDrop(dir)
    const found = mails.find(predicate)
    if (found) return found
    if (Date.now() >= deadline) {
      const seen = mails.map((mail) => `${mail.to}: ${mail.subject}`).join('; ') || 'none'
      throw new Error(`no matching mail in ${dir} within ${timeoutMs} ms (mails there: ${seen})`)
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}
