// An app of your own behind Portcullis: the gateway signs the user in and sends who they are; the app believes only the
// identity token Portcullis signed (TRUST=token), or, reachable through the gateway alone, its plain headers (TRUST=headers).
// Run it with `node server.ts` (Node 24 runs TypeScript as it is). See README.md.
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http'
import { createRemoteJWKSet, errors, jwtVerify } from 'jose'
import { loadSettings } from './settings.ts'

interface Identity {
  user_id: string
  username: string
  role: string
  session_id: string
  /** What it was read from. */
  trust: 'token' | 'headers'
}

/** No identity came (a guest), one came and was refused, or it could not be checked right now (the JWKS out of reach). */
type Reading = { identity: Identity } | { guest: true } | { refused: string } | { unavailable: string }

const config = loadSettings()
// Keys are fetched once and again only for a kid not seen yet (at most every 30 s), so Portcullis can rotate its keys.
const jwks = createRemoteJWKSet(config.jwksUrl)

/** The JWKS could not be had: the token is not refused, only not checkable now. Every other failure is the token's. */
const JWKS_OUT_OF_REACH = new Set(['ERR_JOSE_GENERIC', 'ERR_JWKS_TIMEOUT', 'ERR_JWKS_INVALID'])

async function identityOf(headers: IncomingHttpHeaders): Promise<Reading> {
  if (config.trust === 'headers') {
    const [user_id, username, role, session_id] = ['user-id', 'username', 'role', 'session-id'].map((name) => headers[`x-portcullis-${name}`])
    if (typeof user_id !== 'string' || typeof username !== 'string') return { guest: true }
    return { identity: { user_id, username, role: String(role ?? ''), session_id: String(session_id ?? ''), trust: 'headers' } }
  }
  // The plain X-Portcullis-* headers are not looked at: anyone who reaches the app directly could send them.
  const token = headers['x-portcullis-identity']
  if (typeof token !== 'string' || token === '') return { guest: true }
  try {
    const { payload } = await jwtVerify(token, jwks, {
      audience: config.appName,
      issuer: config.issuer,
      algorithms: ['EdDSA', 'ES256'],
      requiredClaims: ['sub', 'sid', 'role', 'preferred_username', 'exp'],
      clockTolerance: 5, // seconds, for the clocks of two machines
    })
    const { sub, sid, role, preferred_username: username, token_use } = payload
    if (token_use !== 'identity') return { refused: 'not an identity token' }
    if (typeof sub !== 'string' || typeof sid !== 'string' || typeof role !== 'string' || typeof username !== 'string') return { refused: 'malformed claims' }
    return { identity: { user_id: sub, username, role, session_id: sid, trust: 'token' } }
  } catch (error) {
    if (error instanceof errors.JOSEError && !JWKS_OUT_OF_REACH.has(error.code)) return { refused: error.code }
    return { unavailable: error instanceof Error ? error.message : String(error) }
  }
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

function send(res: ServerResponse, status: number, type: 'json' | 'html', body: unknown) {
  const text = type === 'json' ? JSON.stringify(body) : String(body)
  // What a page says depends on who asks: no shared cache may keep it.
  res.writeHead(status, { 'content-type': type === 'json' ? 'application/json' : 'text/html; charset=utf-8', 'cache-control': 'private, no-store' })
  res.end(text)
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body>${body}</body></html>`
}

const server = createServer(async (req, res) => {
  const path = new URL(req.url ?? '/', 'http://app.invalid').pathname
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'json', { error: 'method_not_allowed' })
  if (path === '/healthz') return send(res, 200, 'json', { status: 'ok' })
  if (path !== '/' && path !== '/whoami') return send(res, 404, 'json', { error: 'not_found' })

  const reading = await identityOf(req.headers)
  if ('unavailable' in reading) {
    console.error(`cannot verify the identity token: ${reading.unavailable}`)
    return send(res, 503, 'json', { error: 'identity_unverifiable' })
  }
  if ('refused' in reading) console.warn(`identity refused: ${reading.refused}`)
  if (path === '/whoami') {
    if ('identity' in reading) return send(res, 200, 'json', reading.identity)
    return send(res, 401, 'json', { error: 'refused' in reading ? 'invalid_identity' : 'not_signed_in' })
  }
  if ('refused' in reading) return send(res, 401, 'html', page('Not signed in', '<h1>Your sign-in could not be verified.</h1>'))
  if ('guest' in reading) return send(res, 200, 'html', page('Hello', '<h1>Hello, guest</h1>'))
  const { username, role } = reading.identity
  send(res, 200, 'html', page(`Hello, ${username}`, `<h1>Hello, ${escapeHtml(username)}</h1><p>Your role: ${escapeHtml(role)}</p>`))
})

server.listen(config.port, '127.0.0.1', () => {
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : config.port
  console.log(`hello-app on http://127.0.0.1:${port} (app ${config.appName}, trusting the ${config.trust === 'token' ? 'signed token' : 'plain headers'})`)
})
process.on('SIGTERM', () => server.close(() => process.exit(0)))
