// Whether an error is the database being away or overloaded for now (down, restarting, out of connections, locked) rather
// than a bug: the request may succeed if tried again, so it is answered 503, not 500. Only the drivers' own errors count: a
// socket error alone (a client that hung up mid-upload is an ECONNRESET too) says nothing about the database.

/** Socket errors, which mean the database only when the MySQL driver says the connection they broke was its own (fatal). */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN'])

/** Codes only mysql2 and better-sqlite3 give. */
const DRIVER_CODES = new Set([
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
  if (typeof code === 'string' && DRIVER_CODES.has(code)) return true
  // mysql2 marks the errors that broke its own connection as fatal (a refused connect, a lost server).
  if (fatal === true && (typeof code !== 'string' || NETWORK_CODES.has(code) || code.startsWith('PROTOCOL_') || code.startsWith('ER_'))) return true
  if (Array.isArray(errors) && errors.some((inner) => isTransientDatabaseError(inner, depth + 1))) return true
  return isTransientDatabaseError(cause, depth + 1)
}
