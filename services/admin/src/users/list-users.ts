// The admin's user list: role and status filters, a prefix search on username or email, and keyset pages in four orders.
import type { UserSort } from '@portcullis/shared/api/admin'
import type { DatabaseHandle } from '@portcullis/shared/db/handle'
import type { Role, User, UserStatus } from '@portcullis/shared/db/schema'
import { indexHint } from '../db/index-hint.ts'
import { startsWith } from '../db/prefix-match.ts'
import { decodeCursor, encodeCursor, invalidCursor } from '../pagination/cursor.ts'
import { type Direction, keysetAfter } from '@portcullis/shared/db/keyset'

export interface UserListFilters {
  /** Prefix of the username or the email, any case. */
  q?: string
  role?: Role
  status?: UserStatus
}

export interface UserListRequest extends UserListFilters {
  sort: UserSort
  limit: number
  cursor?: string
}

export interface UserPage {
  users: User[]
  /** Users matching the filters, on every page. */
  total: number
  nextCursor: string | null
}

interface UserOrder {
  key: 'created_at' | 'username'
  direction: Direction
}

/** Ties on created_at are broken by id; usernames are unique, and id keeps the two orders alike. */
const ORDERS: Record<UserSort, UserOrder> = {
  created_at: { key: 'created_at', direction: 'asc' },
  '-created_at': { key: 'created_at', direction: 'desc' },
  username: { key: 'username', direction: 'asc' },
  '-username': { key: 'username', direction: 'desc' },
}

interface UserPosition {
  value: number | string
  id: string
}

/** A cursor carries its sort, so one taken from another order is refused rather than misread. */
function readUserCursor(raw: string, sort: UserSort): UserPosition {
  const [cursorSort, value, id, ...rest] = decodeCursor(raw)
  const key = ORDERS[sort].key
  const valueFits = key === 'created_at' ? Number.isSafeInteger(value) : typeof value === 'string' && value.length <= 64
  if (rest.length > 0 || cursorSort !== sort || !valueFits || typeof id !== 'string' || id.length > 64) throw invalidCursor()
  return { value: value as number | string, id }
}

function userCursor(sort: UserSort, user: User): string {
  const key = ORDERS[sort].key
  return encodeCursor([sort, key === 'created_at' ? Number(user.created_at) : user.username, user.id])
}

function filteredUsers(database: DatabaseHandle, filters: UserListFilters) {
  let query = database.db.selectFrom('users')
  if (filters.role !== undefined) query = query.where('role', '=', filters.role)
  if (filters.status !== undefined) query = query.where('status', '=', filters.status)
  const prefix = filters.q?.trim().toLowerCase()
  if (prefix) query = query.where((eb) => eb.or([startsWith(database.kind, 'username', prefix), startsWith(database.kind, 'email', prefix)]))
  return query
}

/** The index of migration 0002 (or 0001) whose leading columns are the filters and whose next ones the order. */
export function orderedIndex(filters: UserListFilters, key: UserOrder['key']): string {
  const prefix = [filters.role !== undefined ? 'role' : '', filters.status !== undefined ? 'status' : ''].filter(Boolean)
  if (key === 'created_at') return prefix.length === 0 ? 'users_created_at_id' : `users_${prefix.join('_')}_created_at`
  return prefix.length === 0 ? 'users_username_id' : `users_${prefix.join('_')}_username`
}

/**
 * One page: a LIMIT over the index that matches the filters and the order, starting at the cursor. A prefix search is left to
 * the planner, which reads the username and email indexes and sorts what matches.
 */
export function userPageQuery(database: DatabaseHandle, request: UserListRequest, after?: UserPosition) {
  const { key, direction } = ORDERS[request.sort]
  let query = filteredUsers(database, request).selectAll()
  if (after) query = query.where(keysetAfter(key, 'id', direction, after.value, after.id))
  if (!request.q?.trim()) query = query.withPlugin(indexHint(database.kind, 'users', orderedIndex(request, key)))
  return query
    .orderBy(key, direction)
    .orderBy('id', direction)
    .limit(request.limit + 1)
}

export async function listUsers(database: DatabaseHandle, request: UserListRequest): Promise<UserPage> {
  const after = request.cursor === undefined ? undefined : readUserCursor(request.cursor, request.sort)
  const [rows, counted] = await Promise.all([
    userPageQuery(database, request, after).execute(),
    filteredUsers(database, request)
      .select((eb) => eb.fn.countAll<number | string>().as('total'))
      .executeTakeFirstOrThrow(),
  ])
  const users = rows.slice(0, request.limit)
  const last = users.at(-1)
  return {
    users,
    total: Number(counted.total),
    nextCursor: rows.length > request.limit && last ? userCursor(request.sort, last) : null,
  }
}
