// The one error handler of a process: every failure leaves as RFC 9457 problem+json with a stable code.
import type { Socket } from 'node:net'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { ErrorObject } from 'ajv'
import { clientWentAway } from './client-gone.ts'
import { isTransientDatabaseError } from './db/unavailable.ts'
import { fieldErrorsFromValidation } from './validation-messages.ts'
import { newId } from './ids.ts'
import type { FieldError, ProblemExtras } from './errors.ts'
import { problemCode } from './errors.ts'

export interface Problem {
  type: string
  title: string
  status: number
  detail?: string
  code: string
  instance?: string
  request_id: string
  errors?: FieldError[]
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  408: 'Request Timeout',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
}

/** Fastify's own error codes that mean the client sent something wrong, mapped to ours. */
const FRAMEWORK_CODES: Record<string, { status: number; code: string; detail: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'malformed_body', detail: 'The request body is not valid JSON' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'malformed_body', detail: 'The request body is empty but declared as JSON' },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'payload_too_large', detail: 'The request body is too large' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: 'unsupported_media_type', detail: 'The request body has an unsupported content type' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'bad_request', detail: 'The Content-Length header does not match the body' },
  FST_ERR_CTP_INVALID_TYPE: { status: 400, code: 'bad_request', detail: 'The Content-Type header is not valid' },
  FST_ERR_BAD_URL: { status: 400, code: 'bad_request', detail: 'The URL is not valid' },
  FST_ERR_ASYNC_CONSTRAINT: { status: 400, code: 'bad_request', detail: 'The request cannot be routed' },
}

/** What a 503 for an unreachable database tells clients to wait: about as long as a database restart or failover takes. */
const DATABASE_RETRY_AFTER_S = 5

export function problemType(code: string): string {
  return `https://portcullis.dev/problems/${code.replaceAll('_', '-')}`
}

export function sendProblem(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  code: string,
  detail: string,
  extras: ProblemExtras = {},
): FastifyReply {
  const problem: Problem = {
    type: problemType(code),
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    code,
    instance: request.url.split('?')[0],
    request_id: String(request.id),
  }
  if (extras.fieldErrors && extras.fieldErrors.length > 0) problem.errors = extras.fieldErrors
  if (status === 401) reply.header('www-authenticate', extras.wwwAuthenticate ?? 'Bearer')
  if (extras.retryAfter !== undefined) reply.header('retry-after', String(extras.retryAfter))
  return reply.code(status).type('application/problem+json').send(JSON.stringify(problem))
}

/**
 * Fastify's clientErrorHandler: a request Node's HTTP parser refused (headers too large, malformed HTTP, too slow) never
 * reaches a route, so it is answered here, straight on the socket, as problem+json like every other error.
 */
export function clientErrorProblem(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return
  const [status, code, detail] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'headers_too_large', 'The request line and headers are too large']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'request_timeout', 'The request took too long to arrive']
        : [400, 'bad_request', 'The request is not valid HTTP']
  const title = TITLES[status] ?? 'Error'
  const body = JSON.stringify({ type: problemType(code), title, status, detail, code, request_id: newId() })
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${title}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    )
  }
  socket.destroy(error)
}

/** Fastify's frameworkErrors: a URL that cannot be decoded or routed is refused before any hook, here as problem+json. */
export function frameworkErrorProblem(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const known = FRAMEWORK_CODES[error.code] ?? { status: 400, code: 'bad_request', detail: 'The request cannot be understood' }
  sendProblem(request, reply, known.status, known.code, known.detail)
}

async function problemPlugin(app: FastifyInstance): Promise<void> {
  app.setErrorHandler((error: FastifyError & ProblemExtras, request, reply) => {
    if (error.validation) {
      const fieldErrors = fieldErrorsFromValidation(error.validation as ErrorObject[], error.validationContext ?? 'body')
      const summary = fieldErrors.map((f) => f.message).join(' ')
      return sendProblem(request, reply, 422, 'validation_failed', summary || 'The request is not valid', { fieldErrors })
    }
    const code = problemCode(error)
    if (code) {
      const status = error.statusCode ?? 500
      if (status >= 500) request.log.error({ err: error }, 'request failed')
      return sendProblem(request, reply, status, code, error.message, error)
    }
    const framework = FRAMEWORK_CODES[error.code]
    if (framework) return sendProblem(request, reply, framework.status, framework.code, framework.detail)
    const status = error.statusCode ?? 500
    if (status === 429) {
      return sendProblem(request, reply, 429, 'rate_limited', 'Too many requests; slow down', {
        retryAfter: Number(reply.getHeader('retry-after')) || 60,
      })
    }
    if (status >= 400 && status < 500) {
      return sendProblem(request, reply, status, 'bad_request', 'The request cannot be understood')
    }
    // A client that hung up mid-upload: nobody reads the answer, and it is no fault of ours or of the database.
    if (clientWentAway(request, error)) {
      request.log.info({ code: error.code }, 'client closed the connection before the request was read')
      return sendProblem(request, reply, 400, 'bad_request', 'The request did not arrive whole')
    }
    if (isTransientDatabaseError(error)) {
      request.log.error({ err: error }, 'database unavailable')
      return sendProblem(request, reply, 503, 'service_unavailable', 'The service cannot reach its database right now; try again shortly', {
        retryAfter: DATABASE_RETRY_AFTER_S,
      })
    }
    request.log.error({ err: error }, 'unhandled error')
    return sendProblem(request, reply, 500, 'internal_error', 'Something went wrong on our side')
  })

  app.setNotFoundHandler((request, reply) => {
    return sendProblem(request, reply, 404, 'not_found', `No route for ${request.method} ${request.url.split('?')[0]}`)
  })
}

export const problemDetails = fp(problemPlugin, { name: 'portcullis-problem-details', fastify: '5.x' })
