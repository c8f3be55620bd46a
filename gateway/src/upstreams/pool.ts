// The instances of one service or app: round-robin over the healthy ones, with active probes (our services' /readyz on each
// instance's management port; an app's health path, when it has one) and passive marking on failure.
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
  /** Probed on each instance's management URL; null: not probed, and an instance marked down is tried again after downForMs. */
  healthPath?: string | null
  probeIntervalMs?: number
  probeTimeoutMs?: number
  /** Which answers of a probe mean "up" (default: 2xx). */
  upWhen?: (status: number) => boolean
  /** Unprobed pools only: how long a failed instance is left out. */
  downForMs?: number
}

export function createUpstreamPool(name: string, upstreams: readonly Upstream[], options: PoolOptions = {}): UpstreamPool {
  const healthPath = options.healthPath === undefined ? '/readyz' : options.healthPath
  const upWhen = options.upWhen ?? ((status: number) => status >= 200 && status < 300)
  const downForMs = options.downForMs ?? 5000
  const urls = upstreams.map((upstream) => upstream.url)
  const up = new Map<string, boolean>(urls.map((url) => [url, true]))
  /** Unprobed pools: when each instance marked down may be tried again. */
  const downUntil = new Map<string, number>()
  let next = 0

  async function probeOne(upstream: Upstream): Promise<void> {
    if (healthPath === null) return
    try {
      const res = await fetch(`${upstream.managementUrl}${healthPath}`, { signal: AbortSignal.timeout(options.probeTimeoutMs ?? 1000) })
      await res.body?.cancel()
      up.set(upstream.url, upWhen(res.status))
    } catch {
      up.set(upstream.url, false)
    }
  }

  async function probe(): Promise<void> {
    await Promise.all(upstreams.map(probeOne))
  }

  function isUp(url: string): boolean {
    if (healthPath !== null) return up.get(url) === true
    return (downUntil.get(url) ?? 0) <= Date.now()
  }

  const timer = healthPath === null ? undefined : setInterval(() => void probe(), options.probeIntervalMs ?? 1000)
  timer?.unref()

  return {
    name,
    pick(tried) {
      const candidates = urls.filter((url) => !tried?.has(url))
      if (candidates.length === 0) return undefined
      const healthy = candidates.filter(isUp)
      const pool = healthy.length > 0 ? healthy : candidates
      next = (next + 1) % 1_000_000
      return pool[next % pool.length]
    },
    markDown(url) {
      up.set(url, false)
      downUntil.set(url, Date.now() + downForMs)
    },
    all: () => urls,
    probe,
    stop: () => clearInterval(timer),
  }
}
