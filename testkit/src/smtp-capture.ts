// A real SMTP server (smtp-server) on 127.0.0.1 for tests that send mail over TCP: plain, STARTTLS or TLS from the start,
// with or without AUTH, keeping every mail it accepts in memory, parsed. Its certificate, when it has one, is self-signed by
// infra/scripts/self-signed-cert.sh (CN localhost, IP 127.0.0.1), so SMTP_CA_FILE can be pointed at it.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { SMTPServer } from 'smtp-server'
import { type ParsedMessage, parseMessage } from './mailbox.ts'

const SELF_SIGNED_CERT_SCRIPT = fileURLToPath(new URL('../../infra/scripts/self-signed-cert.sh', import.meta.url))

export interface SmtpCaptureOptions {
  /** TLS from the first byte (smtps://); else plain, upgraded with STARTTLS when `tls` is set. */
  secure?: boolean
  /** AUTH PLAIN or LOGIN required, with these credentials. */
  auth?: { user: string; pass: string }
  /** Offer STARTTLS with a self-signed certificate (implied by `secure`); AUTH then needs TLS. */
  tls?: boolean
  /** A port to listen on (to bring a relay up where a sender already looks); else a free one. */
  port?: number
}

export interface CapturedMail extends ParsedMessage {
  /** The SMTP envelope, as the client gave it in MAIL FROM and RCPT TO. */
  envelope: { from: string; to: string[] }
  /** The user it authenticated as, if it did. */
  user: string | undefined
  /** Whether the message came over TLS. */
  secure: boolean
}

export interface SmtpCapture {
  port: number
  /** SMTP_URL for it: smtp:// or smtps://, with the credentials when `auth` was given. */
  url: string
  /** The certificate to trust (SMTP_CA_FILE) when it speaks TLS. */
  caFile: string | undefined
  /** Every mail accepted, in the order received. */
  mails: CapturedMail[]
  /** How many AUTH attempts it refused. */
  refusedLogins(): number
  /** Resolves with the first mail received (or still to come) that matches; rejects after `timeoutMs`. */
  waitFor(predicate: (mail: CapturedMail) => boolean, timeoutMs?: number): Promise<CapturedMail>
  close(): Promise<void>
}

function selfSignedCertificate(dir: string): { key: string; cert: string; caFile: string } {
  const made = spawnSync('bash', [SELF_SIGNED_CERT_SCRIPT, dir], { encoding: 'utf8' })
  if (made.status !== 0) throw new Error(`the test certificate could not be made: ${made.stderr || made.error?.message}`)
  const caFile = path.join(dir, 'localhost.crt')
  return { key: readFileSync(path.join(dir, 'localhost.key'), 'utf8'), cert: readFileSync(caFile, 'utf8'), caFile }
}

function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    stream.on('data', (chunk: Buffer) => chunks.push(chunk))
    stream.on('end', () => resolve(Buffer.concat(chunks)))
    stream.on('error', reject)
  })
}

/** Starts a capturing SMTP server; close() it in the test's teardown. */
export async function startSmtpCapture(options: SmtpCaptureOptions = {}): Promise<SmtpCapture> {
  const secure = options.secure === true
  const certDir = secure || options.tls ? mkdtempSync(path.join(tmpdir(), 'portcullis-smtp-')) : undefined
  const certificate = certDir === undefined ? undefined : selfSignedCertificate(certDir)
  const mails: CapturedMail[] = []
  const waiters = new Set<() => void>()
  let refused = 0
  const { auth } = options
  const server = new SMTPServer({
    secure,
    ...(certificate ? { key: certificate.key, cert: certificate.cert } : { disabledCommands: ['STARTTLS'] }),
    authOptional: auth === undefined,
    // Without TLS there is nothing to protect the password with; a test that wants AUTH over plain text asks for it so.
    allowInsecureAuth: certificate === undefined,
    authMethods: ['PLAIN', 'LOGIN'],
    disableReverseLookup: true,
    logger: false,
    closeTimeout: 1_000,
    onAuth(login, _session, callback) {
      if (auth !== undefined && login.username === auth.user && login.password === auth.pass) return callback(null, { user: login.username })
      refused++
      return callback(new Error('Invalid username or password'))
    },
    onData(stream, session, callback) {
      readAll(stream)
        .then(async (raw) => {
          mails.push({
            ...(await parseMessage(raw)),
            envelope: {
              from: session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address,
              to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
            },
            user: typeof session.user === 'string' ? session.user : undefined,
            secure: session.secure,
          })
          for (const wake of waiters) wake()
          callback()
        })
        .catch((error: Error) => callback(error))
    },
  })
  // A client that fails its TLS handshake or drops the connection is the client's problem, which the test sees from its side.
  server.on('error', () => {})
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve())
  })
  const address = server.server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  const credentials = auth === undefined ? '' : `${encodeURIComponent(auth.user)}:${encodeURIComponent(auth.pass)}@`
  return {
    port,
    url: `${secure ? 'smtps' : 'smtp'}://${credentials}127.0.0.1:${port}`,
    caFile: certificate?.caFile,
    mails,
    refusedLogins: () => refused,
    waitFor(predicate, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = mails.find(predicate)
          if (!found) return
          clearTimeout(timer)
          waiters.delete(check)
          resolve(found)
        }
        const timer = setTimeout(() => {
          waiters.delete(check)
          const seen = mails.map((mail) => `${mail.to}: ${mail.subject}`).join('; ') || 'none'
          reject(new Error(`no matching mail reached the SMTP server within ${timeoutMs} ms (received: ${seen})`))
        }, timeoutMs)
        waiters.add(check)
        check()
      })
    },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()))
      if (certDir !== undefined) rmSync(certDir, { recursive: true, force: true })
    },
  }
}
