// Opaque page cursors: the last row's position as base64url JSON. A cursor that does not decode is the client's mistake (422), never ours.
import { validationFailed } from '@portcullis/shared/errors'

export function encodeCursor(position: readonly unknown[]): string {
  return Buffer.from(JSON.stringify(position), 'utf8').toString('base64url')
}

export function invalidCursor(): Error {
  return validationFailed([{ field: 'cursor', message: 'is not a cursor of this list; start again without one' }])
}

/** The position inside a cursor, as an array of JSON values; throws a 422 for anything else. */
export function decodeCursor(raw: string): unknown[] {
  let position: unknown
  try {
    position = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'))
  } catch {
    throw invalidCursor()
  }
  if (!Array.isArray(position)) throw invalidCursor()
  return position
}
