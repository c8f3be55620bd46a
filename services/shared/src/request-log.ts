// One log line per request, written when it is answered: method, URL, client address, status, milliseconds and the request id
// (Fastify's default writes two, "incoming request" and "request completed"). Error lines stay as Fastify writes them.
import { type FastifyReply, type FastifyRequest, LogController } from 'fastify'

/**
 * Query parameters whose value is a credential: the link tokens of our mails (/reset-password?token=…, a page the gateway
 * serves), and what OpenID Connect may put in a URL (id_token_hint at the logout endpoint, a code, a client's secret).
 */
const SECRET_QUERY_VALUE = /([?&](?:token|access_token|refresh_token|id_token|id_token_hint|client_secret|code|code_verifier|password)=)[^&#]*/gi

/** The URL as the line writes it: a credential in its query is censored, as pino censors the headers (logger.ts). */
export function loggedUrl(url: string): string {
  return url.includes('?') ? url.replace(SECRET_QUERY_VALUE, '$1[redacted]') : url
}

export class OneLineRequestLog extends LogController {
  /** The client address, read when the request arrives: by the time it is answered the client may have gone with its socket. */
  #addresses = new WeakMap<FastifyRequest, string>()

  override incomingRequest(request: FastifyRequest): void {
    this.#addresses.set(request, request.ip)
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (this.isLogDisabled(request)) return
    const line = {
      method: request.method,
      url: loggedUrl(request.url),
      ip: this.#addresses.get(request),
      statusCode: reply.statusCode,
      ms: Math.round(reply.elapsedTime * 10) / 10,
    }
    if (error) reply.log.error({ ...line, err: error }, 'request errored')
    else reply.log.info(line, 'request')
  }
}
