// The instances of one service: round-robin over the healthy ones, with active /readyz probes (on each instance's management
// port) and passive marking on failure.
import type { Upstream } from '../config.ts'
export interface UpstreamPool {
  name: string
  /** The next healthy instance not in `tried`; an unhealthy one only when no healthy one is left untried. */
  pick(tried?: ReadonlySet<string>): string | undefined
  markDown(url: string): void
  all(): readonly string[]
  /** Probes every instance once now. */
  probe(): Promise<void>
  stop(): void
}

export interface PoolOptions {
  healthPath?: string
  probeIntervalMs?: number
  probeTimeoutMs?: number
}

export function createUpstreamPool(name: string, upstreams: readonly Upstream[], options: PoolOptions = {}): UpstreamPool {
  const healthPath = options.healthPath ?? '/readyz'
  const urls = upstreams.map((upstream) => upstream.url)
  const up = new Map<string, boolean>(urls.map((url) => [url, true]))
  let next = 0

  async function probeOne(upstream: Upstream): Promise<void> {
    try {
      const res = await fetch(`${upstream.managementUrl}${healthPath}`, { signal: AbortSignal.timeout(options.probeTimeoutMs ?? 1000) })
      await res.body?.cancel()
      up.set(upstream.url, res.ok)
    } catch {
      up.set(upstream.url, false)
    }
  }

  async function probe(): Promise<void> {
    await Promise.all(upstreams.map(probeOne))
  }

  const timer = setInterval(() => void probe(), options.probeIntervalMs ?? 1000)
  timer.unref()

  return {
    name,
    pick(tried) {
      const candidates = urls.filter((url) => !tried?.has(url))
      if (candidates.length === 0) return undefined
      const healthy = candidates.filter((url) => up.get(url))
      const pool = healthy.length > 0 ? healthy : candidates
      next = (next + 1) % 1_000_000
      return pool[next % pool.length]
    },
    markDown(url) {
      up.set(url, false)
    },
    all: () => urls,
    probe,
    stop: () => clearInterval(timer),
  }
}
