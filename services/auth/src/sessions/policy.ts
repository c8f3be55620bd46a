// Session lifetimes and the reuse grace window, in milliseconds.
import type { AuthConfig } from '../config.ts'

export interface SessionPolicy {
  idleMs: number
  absoluteMs: number
  reuseGraceMs: number
  accessTokenTtl: number
}

export function sessionPolicy(config: AuthConfig): SessionPolicy {
  return {
    idleMs: config.refreshIdleTtl * 1000,
    absoluteMs: config.refreshAbsoluteTtl * 1000,
    reuseGraceMs: config.refreshReuseGrace * 1000,
    accessTokenTtl: config.accessTokenTtl,
  }
}
