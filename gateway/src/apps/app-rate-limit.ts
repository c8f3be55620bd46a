// An app's own per-network limit (its rate_limit_per_ip), beside the gateway's global one: a fixed window of a minute per
// app and client network, in this gateway instance's memory.
import { RateLimited } from '@portcullis/shared/errors'
import type { ProblemError } from '@portcullis/shared/problems/define'
import { clientNetwork } from '@portcullis/shared/net/client-network'

const WINDOW_MS = 60_000

export interface AppRateLimiter {
  /** Counts the request; throws 429 rate_limited with Retry-After past the app's limit. */
  count(app: string, limit: number, ip: string): void
}

export function createAppRateLimiter(now: () => number = Date.now): AppRateLimiter {
  let windowStart = now()
  let counts = new Map<string, number>()
  return {
    count(app, limit, ip) {
      if (limit === 0) return
      const at = now()
      if (at - windowStart >= WINDOW_MS) {
        windowStart = at
        counts = new Map()
      }
      const key = `${app}|${clientNetwork(ip)}`
      const seen = (counts.get(key) ?? 0) + 1
      counts.set(key, seen)
      if (seen > limit) {
        const error: ProblemError = new RateLimited()
        error.retryAfter = Math.max(1, Math.ceil((windowStart + WINDOW_MS - at) / 1000))
        throw error
      }
    },
  }
}
