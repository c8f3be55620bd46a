// The embedded default without SMTP_URL: each mail is written as an RFC 822 file (Nodemailer's stream transport) into the
// mail drop, under the name mail-drop-files.ts gives it, and its first link is what is logged, so a developer can follow it.
import { randomBytes } from 'node:crypto'
import { mkdir, rename, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import nodemailer from 'nodemailer'
import type { MailDelivery } from './delivery.ts'
import { mailDropFileName } from './mail-drop-files.ts'
import { messageOf } from './message.ts'

export interface FileDropSettings {
  dir: string
  from: string
}

/** The first http(s) link of a text, without the punctuation that ends a sentence around it. */
export function firstLink(text: string): string | undefined {
  return /https?:\/\/[^\s<>"]+/.exec(text)?.[0].replace(/[.,;:!?)\]]+$/, '')
}

/** Written beside its final name and renamed, so a reader never sees half a mail. */
async function writeWhole(dir: string, name: string, content: Buffer): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 })
  const partial = path.join(dir, `.${name}.${randomBytes(4).toString('hex')}.partial`)
  try {
    await writeFile(partial, content, { mode: 0o600 })
    await rename(partial, path.join(dir, name))
  } catch (error) {
    await rm(partial, { force: true })
    throw error
  }
}

export function createFileDropDelivery(settings: FileDropSettings): MailDelivery {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' })
  return {
    async deliver(mail, now) {
      const info = await transport.sendMail(messageOf(mail, settings.from, now))
      if (!Buffer.isBuffer(info.message)) throw new Error('the stream transport gave no buffer')
      await writeWhole(settings.dir, mailDropFileName(mail), info.message)
      const link = firstLink(mail.text_body)
      return `mail to ${mail.recipient}: ${mail.subject}${link === undefined ? '' : ` — ${link}`}`
    },
    close: () => transport.close(),
  }
}
