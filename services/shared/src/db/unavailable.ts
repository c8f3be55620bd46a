// Whether a database error is the database being away or overloaded for now (down, restarting, out of connections, locked)
// rather than a bug: the request may succeed if tried again, so it is answered 503, not 500.
const TRANSIENT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_SERVER_SHUTDOWN',
  'ER_CON_COUNT_ERROR',
  'ER_TOO_MANY_USER_CONNECTIONS',
  'ER_LOCK_WAIT_TIMEOUT',
  'ER_LOCK_DEADLOCK',
  'ER_QUERY_INTERRUPTED',
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
])

interface DatabaseError {
  code?: unknown
  /** mysql2 marks errors that broke the connection itself as fatal. */
  fatal?: unknown
  cause?: unknown
  errors?: unknown
}

export function isTransientDatabaseError(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 3) return false
  const { code, fatal, cause, errors } = error as DatabaseError
  if (typeof code === 'string' && TRANSIENT_CODES.has(code)) return true
  if (fatal === true) return true
  if (Array.isArray(errors) && errors.some((inner) => isTransientDatabaseError(inner, depth + 1))) return true
  return isTransientDatabaseError(cause, depth + 1)
}
