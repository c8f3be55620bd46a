// Sends a request to one instance of a service and, when that instance is gone, to another: any request the instance never
// received (connection refused), and idempotent requests that broke on the way or met a draining instance (503). An instance
// that says it is draining (Connection: close) gets no new request until its probe finds it ready again.
import type { FastifyReply, FastifyRequest } from 'fastify'
import { clientWentAway } from '@portcullis/shared/client-gone'
import { BadRequest } from '@portcullis/shared/errors'
import { sendProblem, withDetail } from '@portcullis/shared/problem'
import { UpstreamTimeout, UpstreamUnavailable } from '../errors.ts'
import type { UpstreamPool } from './pool.ts'

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE'])
const NOT_DELIVERED = new Set(['ECONNREFUSED', 'UND_ERR_CONNECT_TIMEOUT', 'ENOTFOUND', 'EHOSTUNREACH', 'ECONNABORTED'])
const BROKEN_ON_THE_WAY = new Set(['ECONNRESET', 'UND_ERR_SOCKET', 'EPIPE', 'UND_ERR_CLOSED'])
const TIMEOUTS = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'FST_REPLY_FROM_GATEWAY_TIMEOUT'])

interface ErrorWithCause {
  code?: string
  cause?: { code?: string }
}

function errorCode(error: ErrorWithCause): string | undefined {
  return error.cause?.code ?? error.code
}

type ReplyFromOptions = Parameters<FastifyReply['from']>[1]

export function forwardWithFailover(pool: UpstreamPool, timeoutMs: number) {
  return function forward(request: FastifyRequest, reply: FastifyReply, dest: string, options: ReplyFromOptions, tried = new Set<string>()): FastifyReply {
    const upstream = pool.pick(tried)
    if (!upstream) return sendProblem(request, reply, withDetail(new UpstreamUnavailable(), `No instance of the ${pool.name} service can answer`))
    tried.add(upstream)
    const idempotent = IDEMPOTENT.has(request.method)
    return reply.from(dest, {
      ...options,
      timeout: timeoutMs,
      getUpstream: () => upstream,
      onError(rawReply, { error }) {
        const reply = rawReply as unknown as FastifyReply
        const code = errorCode(error as ErrorWithCause)
        // The client hung up (mid-upload, or waiting): the instance did nothing wrong and nobody is left to answer.
        if (clientWentAway(request, (error as ErrorWithCause).cause ?? error)) {
          request.log.info({ upstream, code }, 'client closed the connection; request to the upstream abandoned')
          if (!reply.sent) sendProblem(request, reply, withDetail(new BadRequest(), 'The request did not arrive whole'))
          return
        }
        const notDelivered = code !== undefined && NOT_DELIVERED.has(code)
        const broken = code !== undefined && BROKEN_ON_THE_WAY.has(code)
        if (notDelivered || broken) pool.markDown(upstream)
        if (!reply.sent && (notDelivered || (broken && idempotent)) && pool.pick(tried)) {
          request.log.warn({ upstream, code }, 'upstream failed; trying another instance')
          forward(request, reply, dest, options, tried)
          return
        }
        request.log.warn({ upstream, code }, 'upstream failed')
        if (code !== undefined && TIMEOUTS.has(code)) {
          sendProblem(request, reply, new UpstreamTimeout(pool.name))
          return
        }
        sendProblem(request, reply, new UpstreamUnavailable(pool.name))
      },
      onResponse(_request, rawReply, res) {
        const reply = rawReply as unknown as FastifyReply
        const response = res as unknown as { statusCode: number; headers: Record<string, unknown>; stream: NodeJS.ReadableStream & { destroy(): void } }
        if (response.statusCode === 503 && idempotent && pool.pick(tried)) {
          // A draining instance: forget what it said and ask another one.
          response.stream.destroy()
          for (const name of Object.keys(response.headers)) reply.removeHeader(name)
          pool.markDown(upstream)
          forward(request, reply, dest, options, tried)
          return
        }
        // A draining instance closes each connection after its answer: send it nothing more; its probe brings it back once ready.
        if (String(response.headers.connection ?? '').toLowerCase() === 'close') pool.markDown(upstream)
        reply.send(response.stream)
      },
    })
  }
}
