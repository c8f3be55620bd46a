// One log line per request, written when it is answered: method, URL, client address, status, milliseconds and the request id
// (Fastify's default writes two, "incoming request" and "request completed"). Error lines stay as Fastify writes them.
import { type FastifyReply, type FastifyRequest, LogController } from 'fastify'

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
      url: request.url,
      ip: this.#addresses.get(request),
      statusCode: reply.statusCode,
      ms: Math.round(reply.elapsedTime * 10) / 10,
    }
    if (error) reply.log.error({ ...line, err: error }, 'request errored')
    else reply.log.info(line, 'request')
  }
}
