// The local inbox of pnpm start, on a mail drop written by auth's own file drop: the list newest first, a mail's page, its
// HTML in a sandbox under a strict CSP, everything escaped, and only names from the folder's listing ever opened.
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import path from 'node:path'
import t from 'tap'
import { createFileDropDelivery } from '@portcullis/auth/mail/file-drop-delivery'
import { mailDropFileName } from '@portcullis/auth/mail/mail-drop-files'
import type { OutboxMail } from '@portcullis/auth/mail/outbox-claims'
import { startLocalInbox } from '../stack/local-inbox.ts'

const LINK = `http://localhost:8080/reset-password?token=${'t'.repeat(90)}`

function outboxMail(id: string, createdAt: number, to: string, subject: string): OutboxMail {
  return {
    id,
    kind: 'reset_password',
    user_id: null,
    recipient: to,
    subject,
    text_body: `Hello,\n\nchoose a new password at ${LINK}\n\n<b>not bold</b>\n`,
    html_body: `<!doctype html><html><head><title>x</title></head><body><p>Hello <b>${to}</b></p><p><a href="${LINK}">Choose a new password</a></p></body></html>`,
    created_at: createdAt,
    attempts: 0,
    next_attempt_at: createdAt,
    claimed_by: null,
    claimed_until: null,
    sent_at: null,
    last_error: null,
  }
}

/** A GET with the path exactly as written: fetch would resolve `..` before sending it. */
function rawGet(url: string, pathname: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(url)
    const req = request({ hostname, port, path: pathname, method: 'GET' }, (res) => {
      res.resume()
      resolve(res.statusCode ?? 0)
    })
    req.on('error', reject)
    req.end()
  })
}

t.test('the local inbox', async (t) => {
  const root = await mkdtemp(path.join(tmpdir(), 'portcullis-inbox-'))
  t.teardown(() => rm(root, { recursive: true, force: true }))
  const dir = path.join(root, 'mail')
  const drop = createFileDropDelivery({ dir, from: 'Portcullis <no-reply@localhost>' })
  const older = outboxMail('0199a1b2-0000-7000-8000-000000000001', Date.UTC(2025, 4, 1, 9, 0, 0), 'ada@example.test', 'Reset your password')
  const newer = outboxMail('0199a1b2-0000-7000-8000-000000000002', Date.UTC(2025, 4, 1, 9, 5, 0), 'eve@example.test', 'Hi <script>alert(1)</script> & co')
  for (const mail of [older, newer]) await drop.deliver(mail, mail.created_at, AbortSignal.timeout(5_000))
  // Beside the mail drop and inside it: neither may be served.
  await writeFile(path.join(root, 'secret.eml'), 'Subject: secret\r\n\r\nsecret\r\n')
  await writeFile(path.join(dir, 'notes.eml'), 'Subject: not a mail of the drop\r\n\r\nx\r\n')

  const inbox = await startLocalInbox({ dir })
  t.teardown(() => inbox.close())
  t.match(inbox.url, /^http:\/\/127\.0\.0\.1:\d+$/, 'on loopback, on a port of its own')

  t.test('the list, newest first, escaped', async (t) => {
    const res = await fetch(inbox.url)
    t.equal(res.status, 200)
    t.match(res.headers.get('content-type'), /^text\/html/)
    t.match(res.headers.get('content-security-policy'), /default-src 'none'/)
    const body = await res.text()
    t.ok(body.indexOf('eve@example.test') < body.indexOf('ada@example.test'), 'the newer mail first')
    t.match(body, `href="/mail/${mailDropFileName(newer)}"`)
    t.match(body, `href="/mail/${mailDropFileName(older)}"`)
    t.match(body, 'Hi &lt;script&gt;alert(1)&lt;/script&gt; &amp; co', 'the subject is escaped')
    t.notMatch(body, '<script>', 'nothing in a mail becomes markup')
    t.notMatch(body, 'not a mail of the drop', 'a file not named as the drop names its mails is not listed')
  })

  t.test("a mail's page: its headers, its text with live links, its HTML in a sandboxed frame", async (t) => {
    const res = await fetch(`${inbox.url}/mail/${mailDropFileName(older)}`)
    t.equal(res.status, 200)
    t.match(res.headers.get('content-security-policy'), /default-src 'none'.*frame-src 'self'/)
    const body = await res.text()
    t.match(body, '<h1>Reset your password</h1>')
    t.match(body, 'ada@example.test')
    t.match(body, '2025-05-01 09:00:00 UTC', 'dated when it was written')
    t.match(body, `<a href="${LINK}" target="_blank" rel="noopener noreferrer">${LINK}</a>`, 'the link of the text part is whole and clickable')
    t.match(body, '&lt;b&gt;not bold&lt;/b&gt;', 'the text part is escaped')
    t.match(body, `<iframe sandbox="allow-popups allow-popups-to-escape-sandbox" referrerpolicy="no-referrer" src="/mail/${mailDropFileName(older)}/html"`)
    t.notMatch(body, 'allow-scripts')

    const html = await fetch(`${inbox.url}/mail/${mailDropFileName(older)}/html`)
    t.equal(html.status, 200)
    const policy = html.headers.get('content-security-policy') ?? ''
    t.match(policy, /default-src 'none'/)
    t.match(policy, /sandbox allow-popups allow-popups-to-escape-sandbox/, 'sandboxed even when opened on its own')
    t.notMatch(policy, /script-src/)
    const part = await html.text()
    t.match(part, '<head><base target="_blank"><title>x</title>', 'its links open outside the frame')
    t.match(part, `<a href="${LINK}">Choose a new password</a>`)

    const raw = await fetch(`${inbox.url}/mail/${mailDropFileName(older)}/raw`)
    t.match(raw.headers.get('content-type'), /^text\/plain/)
    t.match(await raw.text(), /^Subject: Reset your password\r$/m)
  })

  t.test('only names from the listing are opened', async (t) => {
    for (const name of ['..%2Fsecret.eml', '..%2F..%2Fetc%2Fpasswd', 'notes.eml', `.${mailDropFileName(older)}.partial`, '%2Fetc%2Fpasswd']) {
      const res = await fetch(`${inbox.url}/mail/${name}`)
      t.equal(res.status, 404, `${name}: refused`)
      t.notMatch(await res.text(), /secret|root:/)
      t.equal((await fetch(`${inbox.url}/mail/${name}/html`)).status, 404, `${name}/html: refused`)
    }
    t.equal(await rawGet(inbox.url, '/mail/../secret.eml'), 404, 'a literal ../ is refused')
    t.equal(await rawGet(inbox.url, '/mail/../../etc/passwd'), 404)
  })
})

t.test('an empty or missing mail drop is an empty inbox', async (t) => {
  const root = await mkdtemp(path.join(tmpdir(), 'portcullis-inbox-'))
  t.teardown(() => rm(root, { recursive: true, force: true }))
  const inbox = await startLocalInbox({ dir: path.join(root, 'mail') })
  t.teardown(() => inbox.close())
  const res = await fetch(inbox.url)
  t.equal(res.status, 200)
  t.match(await res.text(), 'No mail yet')
})
