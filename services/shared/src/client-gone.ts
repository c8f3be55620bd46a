// Whether the client of a request has gone (closed the connection mid-upload, or before the answer): then a failure is the
// client's doing, not the database's or an upstream's, and nothing is left to answer.
import type { FastifyRequest } from 'fastify'

export function clientWentAway(request: FastifyRequest, error?: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code
  const aborted = request.raw.destroyed || request.raw.socket?.destroyed === true
  return (
    aborted &&
    (error === undefined ||
      code === 'ECONNRESET' ||
      code === 'ECONNABORTED' ||
      code === 'EPIPE' ||
      code === 'ERR_STREAM_PREMATURE_CLOSE' ||
      (error as Error).message === 'aborted')
  )
}
