// Sending through the relay of SMTP_URL with Nodemailer: smtp:// upgrades with STARTTLS when the relay offers it, smtps://
// speaks TLS from the first byte; the authority in SMTP_CA_FILE is trusted besides the system's. Every send is bounded in
// time, so that it ends well within the sender's lease.
import { readFileSync } from 'node:fs'
import { getCACertificates } from 'node:tls'
import nodemailer from 'nodemailer'
import type { MailDelivery } from './delivery.ts'
import { failureText } from './failure-text.ts'
import { messageOf } from './message.ts'

export interface SmtpSettings {
  /** smtp://[user:pass@]host:port or smtps://… */
  url: string
  /** A PEM file of the authority the relay's certificate is signed by. */
  caFile: string | undefined
  from: string
}

const TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000, dnsTimeout: 10_000 }

function trustedAuthorities(caFile: string): string[] {
  let pem: string
  try {
    pem = readFileSync(caFile, 'utf8')
  } catch (error) {
    throw new Error(`SMTP_CA_FILE ${caFile} cannot be read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`)
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new Error(`SMTP_CA_FILE ${caFile} holds no PEM certificate`)
  return [...getCACertificates('default'), pem]
}

/** What a failure's text must never quote: the password in SMTP_URL, as written and decoded. */
function secretsOf(url: string): string[] {
  const written = new URL(url).password
  if (written === '') return []
  let decoded = written
  try {
    decoded = decodeURIComponent(written)
  } catch {}
  return [...new Set([written, decoded])].sort((a, b) => b.length - a.length)
}

export function createSmtpDelivery(settings: SmtpSettings): MailDelivery {
  const tls = settings.caFile === undefined ? {} : { tls: { ca: trustedAuthorities(settings.caFile) } }
  const transport = nodemailer.createTransport({ url: settings.url, ...TIMEOUTS, ...tls })
  const secrets = secretsOf(settings.url)
  return {
    async deliver(mail, now, signal) {
      try {
        const info = await transport.sendMail({ ...messageOf(mail, settings.from, now), signal })
        return `mail sent to ${mail.recipient} (${mail.kind}): ${info.response}`
      } catch (error) {
        throw new Error(failureText(error, secrets))
      }
    },
    close: () => transport.close(),
  }
}
