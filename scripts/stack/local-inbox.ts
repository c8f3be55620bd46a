// pnpm start's local inbox when no SMTP_URL is set: a small web server on 127.0.0.1 that lists the mail drop
// (DATA_DIR/mail) newest first and shows a mail, its text with clickable links and its HTML in a sandboxed frame under a
// strict CSP, as Mailpit or Inbucket would. A mail is found by its name in the folder's listing only, never by a path.
import Fastify, { type FastifyReply } from 'fastify'
import { type DroppedMail, readDroppedMail, readMailDrop } from '@portcullis/testkit/mailbox'
import { escapeHtml } from '@portcullis/shared/mail/templates'

export interface LocalInbox {
  url: string
  close(): Promise<void>
}

export interface LocalInboxOptions {
  /** The mail drop: DATA_DIR/mail. */
  dir: string
  /** 0 (the default): a free port, chosen as it listens. */
  port?: number
}

/** The pages: no script at all, styles only inline, frames only from here, and nobody may frame them. */
const PAGE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; frame-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
/** A mail's HTML: no script, no fetch, images only inline, links open outside the sandbox; only the inbox may frame it. */
const MAIL_POLICY =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'self'; sandbox allow-popups allow-popups-to-escape-sandbox"
const FRAME_SANDBOX = 'allow-popups allow-popups-to-escape-sandbox'

const LINK = /https?:\/\/[^\s<>"]+[^\s<>".,;:!?)\]]/g

/** Text as HTML: escaped, with each http(s) link made a link that opens in a new tab. */
function textWithLinks(text: string): string {
  let html = ''
  let last = 0
  for (const match of text.matchAll(LINK)) {
    const link = escapeHtml(match[0])
    html += `${escapeHtml(text.slice(last, match.index))}<a href="${link}" target="_blank" rel="noopener noreferrer">${link}</a>`
    last = match.index + match[0].length
  }
  return html + escapeHtml(text.slice(last))
}

function shownDate(date: Date | undefined): string {
  return date === undefined ? '' : `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`
}

const mailPath = (mail: DroppedMail) => `/mail/${encodeURIComponent(mail.file)}`

function page(title: string, body: string, head = ''): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>${head}
<style>
body { font: 15px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; color: #1d2330; }
table { border-collapse: collapse; width: 100%; } td, th { text-align: left; padding: .4rem .6rem; border-bottom: 1px solid #dde1e8; }
th { font-weight: 600; color: #5b6475; } a { color: #1f5fbf; } pre { white-space: pre-wrap; background: #f5f6f8; padding: 1rem; }
iframe { width: 100%; height: 32rem; border: 1px solid #dde1e8; } .meta { color: #5b6475; } .meta b { color: #1d2330; }
</style></head>
<body>${body}</body></html>
`
}

function listPage(mails: DroppedMail[], dir: string): string {
  const rows = mails
    .map(
      (mail) =>
        `<tr><td>${escapeHtml(shownDate(mail.date))}</td><td>${escapeHtml(mail.to)}</td><td><a href="${escapeHtml(mailPath(mail))}">${escapeHtml(mail.subject || '(no subject)')}</a></td></tr>`,
    )
    .join('\n')
  const list =
    mails.length === 0
      ? '<p>No mail yet. Every mail Portcullis sends appears here.</p>'
      : `<table><tr><th>Date</th><th>To</th><th>Subject</th></tr>\n${rows}\n</table>`
  // Reloads by itself, so a mail just sent shows up without a click.
  return page(
    'Portcullis local inbox',
    `<h1>Local inbox</h1><p class="meta">Mails kept in ${escapeHtml(dir)}, newest first.</p>${list}`,
    '<meta http-equiv="refresh" content="5">',
  )
}

function mailPage(mail: DroppedMail): string {
  const html =
    mail.html === ''
      ? '<p class="meta">(no HTML part)</p>'
      : `<iframe sandbox="${FRAME_SANDBOX}" referrerpolicy="no-referrer" src="${escapeHtml(`${mailPath(mail)}/html`)}" title="The mail's HTML part"></iframe>`
  return page(
    mail.subject,
    `<p><a href="/">← Inbox</a></p>
<h1>${escapeHtml(mail.subject || '(no subject)')}</h1>
<p class="meta"><b>To</b> ${escapeHtml(mail.to)} · <b>From</b> ${escapeHtml(mail.from)} · <b>Date</b> ${escapeHtml(shownDate(mail.date))} · <a href="${escapeHtml(`${mailPath(mail)}/raw`)}">raw</a></p>
<h2>Text</h2><pre>${textWithLinks(mail.text)}</pre>
<h2>HTML</h2>${html}`,
  )
}

/** The mail's own HTML, its links opening in a new tab (a page that refuses to be framed still opens). */
function framedHtml(html: string): string {
  const base = '<base target="_blank">'
  return /<head(\s[^>]*)?>/i.test(html) ? html.replace(/<head(\s[^>]*)?>/i, (head) => `${head}${base}`) : `${base}${html}`
}

function sendPage(reply: FastifyReply, html: string, policy = PAGE_POLICY): FastifyReply {
  return reply
    .header('content-security-policy', policy)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('cache-control', 'no-store')
    .type('text/html; charset=utf-8')
    .send(html)
}

function notFound(reply: FastifyReply): FastifyReply {
  return sendPage(reply.code(404), page('Not found', '<p>No such mail. <a href="/">Inbox</a></p>'))
}

export async function startLocalInbox(options: LocalInboxOptions): Promise<LocalInbox> {
  const { dir } = options
  const app = Fastify({ logger: false })
  app.get('/', async (_request, reply) => sendPage(reply, listPage((await readMailDrop(dir)).reverse(), dir)))
  app.get<{ Params: { file: string } }>('/mail/:file', async (request, reply) => {
    const mail = await readDroppedMail(dir, request.params.file)
    return mail === undefined ? notFound(reply) : sendPage(reply, mailPage(mail))
  })
  app.get<{ Params: { file: string } }>('/mail/:file/html', async (request, reply) => {
    const mail = await readDroppedMail(dir, request.params.file)
    return mail === undefined ? notFound(reply) : sendPage(reply, framedHtml(mail.html), MAIL_POLICY)
  })
  app.get<{ Params: { file: string } }>('/mail/:file/raw', async (request, reply) => {
    const mail = await readDroppedMail(dir, request.params.file)
    if (mail === undefined) return notFound(reply)
    return reply
      .header('content-security-policy', "default-src 'none'; sandbox")
      .header('x-content-type-options', 'nosniff')
      .type('text/plain; charset=utf-8')
      .send(mail.raw)
  })
  app.setNotFoundHandler((_request, reply) => notFound(reply))
  const address = await app.listen({ host: '127.0.0.1', port: options.port ?? 0 })
  return { url: address, close: () => app.close() }
}
