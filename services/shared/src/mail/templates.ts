// The mails Portcullis sends, from the templates beside this file: `<kind>.txt` (its first line `Subject: …`, then the
// text) and `<kind>.html` (set into layout.html). `{{name}}` is replaced by a value, HTML-escaped in the HTML part; a
// template that names a value it was not given is a defect and throws. Every mail carries the product name and links
// to PUBLIC_URL.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { PRODUCT_NAME } from '../product.ts'

export type MailKind = 'reset_password' | 'verify_email' | 'password_changed' | 'email_change_requested' | 'invite' | 'recovery_code_used' | 'mfa_reset'

export interface RenderedMail {
  subject: string
  text: string
  html: string
}

const DIR = path.join(import.meta.dirname, 'templates')
const cache = new Map<string, string>()

function template(file: string): string {
  let text = cache.get(file)
  if (text === undefined) {
    text = readFileSync(path.join(DIR, file), 'utf8')
    cache.set(file, text)
  }
  return text
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/** Text made safe inside HTML, in an element or a quoted attribute. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character] as string)
}

function fill(text: string, values: Record<string, string>, encode: (value: string) => string, file: string): string {
  return text.replace(/\{\{(\w+)\}\}/g, (_whole, name: string) => {
    const value = values[name]
    if (value === undefined) throw new Error(`mail template ${file} names {{${name}}}, which it was not given`)
    return encode(value)
  })
}

/** The mail of `kind` with these values (links, names), and the product's name and PUBLIC_URL. */
export function renderMail(kind: MailKind, values: Record<string, string>, publicUrl: string): RenderedMail {
  const all = { product: PRODUCT_NAME, publicUrl, ...values }
  const file = kind.replaceAll('_', '-')
  const [subjectLine = '', ...body] = fill(template(`${file}.txt`), all, (value) => value, `${file}.txt`).split('\n')
  const subject = subjectLine.replace(/^Subject:\s*/, '').trim()
  if (!subjectLine.startsWith('Subject:') || subject === '') throw new Error(`mail template ${file}.txt does not start with "Subject: …"`)
  const content = fill(template(`${file}.html`), all, escapeHtml, `${file}.html`)
  const html = fill(template('layout.html'), { ...all, subject, content }, (value) => value, 'layout.html')
  return { subject, text: `${body.join('\n').trim()}\n`, html }
}
