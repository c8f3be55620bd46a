// The gateway's view of revoked sessions and users, kept current by polling auth's revocation feed.
import type { AuthClient, FeedCursor } from '@portcullis/shared/internal/auth-client'
import type { Principal } from '@portcullis/shared/tokens/principal'

export interface RevocationList {
  isRevoked(principal: Principal): boolean
  /** One poll of the feed; throws when auth cannot be reached. */
  sync(): Promise<void>
  /** Milliseconds since the last successful poll (Infinity before the first). */
  staleness(): number
  start(): void
  stop(): void
}

export interface RevocationListOptions {
  pollMs: number
  /** Rows asked for per page (auth's maximum by default); a full page is followed by the next at once. */
  pageSize?: number
  /** How long an entry matters: an access token's lifetime plus slack. */
  retainMs: number
  onError?: (error: unknown) => void
}

/** Rows committed by other auth instances may carry a time slightly before the feed's `now`; ask again with this overlap. */
const OVERLAP_MS = 5000

/** One sync reads at most this many full pages before it lets the poll go on (the next poll carries on from there). */
const PAGES_PER_SYNC = 1000

export function createRevocationList(auth: AuthClient, options: RevocationListOptions): RevocationList {
  const sessions = new Map<string, number>()
  const users = new Map<string, number>()
  let cursor: FeedCursor = { since: 0 }
  let lastSync = 0
  let timer: NodeJS.Timeout | undefined
  let running: Promise<void> | undefined

  function prune(now: number): void {
    for (const [key, at] of sessions) if (now - at > options.retainMs) sessions.delete(key)
    for (const [key, at] of users) if (now - at > options.retainMs) users.delete(key)
  }

  async function sync(): Promise<void> {
    running ??= (async () => {
      try {
        // Page by page from the cursor; the cursor never passes the last row read, so a restart with a long backlog loses nothing.
        for (let pages = 0; pages < PAGES_PER_SYNC; pages++) {
          const page = await auth.revocationsSince(cursor, options.pageSize)
          for (const entry of page.revocations) {
            const map = entry.kind === 'session' ? sessions : users
            map.set(entry.subject, Math.max(map.get(entry.subject) ?? 0, entry.at))
          }
          const last = page.revocations.at(-1)
          if (page.hasMore && last) {
            cursor = { since: last.at, after: last.id }
            continue
          }
          // Caught up: ask again from a little before now next time, for rows other instances are still committing.
          const overlap = Math.max(0, page.now - OVERLAP_MS)
          if (overlap > cursor.since) cursor = { since: overlap }
          lastSync = Date.now()
          prune(page.now)
          return
        }
      } finally {
        running = undefined
      }
    })()
    return running
  }

  return {
    isRevoked(principal) {
      if (sessions.has(principal.sessionId)) return true
      const userRevokedAt = users.get(principal.userId)
      return userRevokedAt !== undefined && principal.issuedAt <= userRevokedAt
    },
    sync,
    staleness: () => (lastSync === 0 ? Number.POSITIVE_INFINITY : Date.now() - lastSync),
    start() {
      timer = setInterval(() => {
        sync().catch((error: unknown) => options.onError?.(error))
      }, options.pollMs)
      timer.unref()
    },
    stop: () => clearInterval(timer),
  }
}
