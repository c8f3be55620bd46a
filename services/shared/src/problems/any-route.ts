// The problems any route of any process may answer with, whatever it declares: the request was not understood or is too
// large, its input did not validate, nothing answers there, or the process cannot serve right now.
import {
  BadRequest,
  HeadersTooLarge,
  InternalError,
  MalformedBody,
  NotFound,
  PayloadTooLarge,
  RequestTimeout,
  ServiceUnavailable,
  UnsupportedMediaType,
  ValidationFailed,
} from '../errors.ts'
import type { ProblemFactory } from './define.ts'

export const ANY_ROUTE_PROBLEMS: readonly ProblemFactory[] = [
  BadRequest,
  MalformedBody,
  PayloadTooLarge,
  UnsupportedMediaType,
  HeadersTooLarge,
  RequestTimeout,
  ValidationFailed,
  NotFound,
  ServiceUnavailable,
  InternalError,
]
