// WebSocket upgrades to an app, with the same access check as its other requests: the upgrade request is first decided by
// the app route itself (in process, through app.inject, so rules, limits, the identity and every refusal are the same),
// marked by a header only this process knows; let through, it goes to one of the app's instances with the identity added,
// and the two sockets are joined. A cookie-authenticated upgrade must come from a page of this origin (browsers always
// send Origin on a WebSocket): another site's page cannot open one in the user's name.
import { randomBytes } from 'node:crypto'
import http, { type IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import type { FastifyInstance } from 'fastify'

/** The header that asks the app route for its decision only; its value is this process's own secret. */
export const UPGRADE_CHECK_HEADER = 'x-portcullis-upgrade-check'
export const upgradeSecret = randomBytes(24).toString('base64url')

/** Headers of the decision's answer that carry what the instance must be sent. */
export const UPGRADE_DESTINATION_HEADER = 'x-portcullis-upgrade-destination'
export const UPGRADE_UPSTREAM_HEADER = 'x-portcullis-upgrade-upstream'

function refuse(socket: Duplex, status: number, headers: Record<string, string | number | string[] | undefined>, body: string): void {
  const lines = [`HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? ''}`, 'connection: close']
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || ['connection', 'transfer-encoding', 'content-length'].includes(name)) continue
    for (const one of Array.isArray(value) ? value : [String(value)]) lines.push(`${name}: ${one}`)
  }
  lines.push(`content-length: ${Buffer.byteLength(body)}`)
  socket.end(`${lines.join('\r\n')}\r\n\r\n${body}`)
}

/** The upgrade request's headers as the app route should see them: only ours can carry the check header. */
function checkHeaders(request: IncomingMessage): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {}
  for (const [name, value] of Object.entries(request.headers)) if (value !== undefined && name !== UPGRADE_CHECK_HEADER) headers[name] = value
  headers[UPGRADE_CHECK_HEADER] = upgradeSecret
  return headers
}

export function handleAppUpgrades(app: FastifyInstance): void {
  app.server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy())
    const path = (request.url ?? '/').split('?', 1)[0] ?? '/'
    if (!app.apps.match(path)) {
      refuse(socket, 404, { 'content-type': 'application/problem+json' }, JSON.stringify({ status: 404, code: 'not_found', detail: 'Nothing is here' }))
      return
    }
    app
      .inject({ method: 'GET', url: request.url ?? '/', headers: checkHeaders(request), remoteAddress: request.socket.remoteAddress ?? '127.0.0.1' })
      .then((decision) => {
        if (decision.statusCode !== 204) {
          refuse(socket, decision.statusCode, decision.headers, decision.body)
          return
        }
        const destination = String(decision.headers[UPGRADE_DESTINATION_HEADER] ?? '/')
        const upstream = new URL(String(decision.headers[UPGRADE_UPSTREAM_HEADER] ?? ''))
        const forwarded: Record<string, string | string[]> = {}
        for (const [name, value] of Object.entries(decision.headers)) {
          if (value === undefined || name === UPGRADE_DESTINATION_HEADER || name === UPGRADE_UPSTREAM_HEADER) continue
          if (name.startsWith('x-') || name === 'cookie' || name.startsWith('sec-websocket-') || name === 'origin' || name === 'user-agent') {
            forwarded[name] = value as string | string[]
          }
        }
        joinUpstream(socket, head, upstream, destination, {
          ...forwarded,
          host: upstream.host,
          connection: 'Upgrade',
          upgrade: String(request.headers.upgrade ?? 'websocket'),
        })
      })
      .catch(() => refuse(socket, 502, {}, ''))
  })
}

function joinUpstream(client: Duplex, head: Buffer, upstream: URL, path: string, headers: Record<string, string | string[]>): void {
  const outgoing = http.request({ host: upstream.hostname, port: upstream.port || 80, path, method: 'GET', headers })
  outgoing.on('upgrade', (response, server, serverHead) => {
    const lines = [`HTTP/1.1 101 ${response.statusMessage ?? 'Switching Protocols'}`]
    for (let i = 0; i < response.rawHeaders.length; i += 2) lines.push(`${response.rawHeaders[i]}: ${response.rawHeaders[i + 1]}`)
    client.write(`${lines.join('\r\n')}\r\n\r\n`)
    if (serverHead.length > 0) client.write(serverHead)
    if (head.length > 0) server.write(head)
    server.on('error', () => client.destroy())
    client.on('error', () => server.destroy())
    server.pipe(client).pipe(server)
  })
  outgoing.on('response', (response) => {
    const chunks: Buffer[] = []
    response.on('data', (chunk: Buffer) => chunks.push(chunk))
    response.on('end', () => refuse(client, response.statusCode ?? 502, response.headers, Buffer.concat(chunks).toString()))
  })
  outgoing.on('error', () => refuse(client, 502, {}, ''))
  outgoing.end()
}
