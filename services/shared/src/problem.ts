// The one error handler of a process: every failure leaves as RFC 9457 problem+json with a stable code.
import type { Socket } from 'node:net'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { ErrorObject } from 'ajv'
import { clientWentAway } from './client-gone.ts'
import { isTransientDatabaseError } from './db/unavailable.ts'
import { fieldErrorsFromValidation } from './validation-messages.ts'
import { newId } from './ids.ts'
import {
  BadRequest,
  type FieldError,
  HeadersTooLarge,
  InternalError,
  MalformedBody,
  NotFound,
  PayloadTooLarge,
  type ProblemError,
  type ProblemExtras,
  type ProblemFactory,
  RateLimited,
  RequestTimeout,
  ServiceUnavailable,
  UnsupportedMediaType,
  ValidationFailed,
} from './errors.ts'
import { problemCode } from './problems/define.ts'

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

/** Fastify's own error codes that mean the client sent something wrong, as our problems with their details. */
const FRAMEWORK_CODES: Record<string, { problem: ProblemFactory; detail?: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { problem: MalformedBody },
  FST_ERR_CTP_EMPTY_JSON_BODY: { problem: MalformedBody, detail: 'The request body is empty but declared as JSON' },
  FST_ERR_CTP_BODY_TOO_LARGE: { problem: PayloadTooLarge },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { problem: UnsupportedMediaType },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { problem: BadRequest, detail: 'The Content-Length header does not match the body' },
  FST_ERR_CTP_INVALID_TYPE: { problem: BadRequest, detail: 'The Content-Type header is not valid' },
  FST_ERR_BAD_URL: { problem: BadRequest, detail: 'The URL is not valid' },
  FST_ERR_ASYNC_CONSTRAINT: { problem: BadRequest, detail: 'The request cannot be routed' },
}

/** One of our problems with another detail than its factory's sentence. */
export function withDetail(error: ProblemError, detail: string | undefined): ProblemError {
  if (detail !== undefined) error.message = detail
  return error
}

function frameworkProblem(known: { problem: ProblemFactory; detail?: string }): ProblemError {
  return withDetail(new known.problem(), known.detail)
}

/** What a 503 for an unreachable database tells clients to wait: about as long as a database restart or failover takes. */
const DATABASE_RETRY_AFTER_S = 5

export function problemType(code: string): string {
  return `https://portcullis.dev/problems/${code.replaceAll('_', '-')}`
}

/** Answers with one of our problems: its status, code and message, and what it carries (field errors, Retry-After). */
export function sendProblem(request: FastifyRequest, reply: FastifyReply, error: ProblemError, extras: ProblemExtras = error): FastifyReply {
  const status = error.statusCode
  const code = problemCode(error) ?? InternalError.problem.code
  const detail = error.message
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
  const answer =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? new HeadersTooLarge()
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? new RequestTimeout()
        : withDetail(new BadRequest(), 'The request is not valid HTTP')
  const { statusCode: status, message: detail } = answer
  const code = problemCode(answer) ?? BadRequest.problem.code
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
  const known = FRAMEWORK_CODES[error.code] ?? { problem: BadRequest }
  sendProblem(request, reply, frameworkProblem(known))
}

async function problemPlugin(app: FastifyInstance): Promise<void> {
  app.setErrorHandler((error: FastifyError & ProblemExtras, request, reply) => {
    if (error.validation) {
      const fieldErrors = fieldErrorsFromValidation(error.validation as ErrorObject[], error.validationContext ?? 'body')
      const summary = fieldErrors.map((f) => f.message).join(' ')
      const problem = withDetail(new ValidationFailed(), summary || undefined)
      return sendProblem(request, reply, problem, { fieldErrors })
    }
    if (problemCode(error)) {
      if ((error.statusCode ?? 500) >= 500) request.log.error({ err: error }, 'request failed')
      return sendProblem(request, reply, error as ProblemError)
    }
    const framework = FRAMEWORK_CODES[error.code]
    if (framework) return sendProblem(request, reply, frameworkProblem(framework))
    const status = error.statusCode ?? 500
    if (status === 429) return sendProblem(request, reply, new RateLimited(), { retryAfter: Number(reply.getHeader('retry-after')) || 60 })
    // Any other 4xx a plugin raises (a status of its own, no code of ours): the request was wrong, said as bad_request.
    if (status >= 400 && status < 500) return sendProblem(request, reply, Object.assign(new BadRequest(), { statusCode: status }))
    // A client that hung up mid-upload: nobody reads the answer, and it is no fault of ours or of the database.
    if (clientWentAway(request, error)) {
      request.log.info({ code: error.code }, 'client closed the connection before the request was read')
      return sendProblem(request, reply, withDetail(new BadRequest(), 'The request did not arrive whole'))
    }
    if (isTransientDatabaseError(error)) {
      request.log.error({ err: error }, 'database unavailable')
      const unavailable = withDetail(new ServiceUnavailable(), 'The service cannot reach its database right now; try again shortly')
      return sendProblem(request, reply, unavailable, { retryAfter: DATABASE_RETRY_AFTER_S })
    }
    request.log.error({ err: error }, 'unhandled error')
    return sendProblem(request, reply, new InternalError())
  })

  app.setNotFoundHandler((request, reply) => {
    return sendProblem(request, reply, withDetail(new NotFound(), `No route for ${request.method} ${request.url.split('?')[0]}`))
  })
}

export const problemDetails = fp(problemPlugin, { name: 'portcullis-problem-details', fastify: '5.x' })
