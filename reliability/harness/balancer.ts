// A tiny load balancer in the test client, as Nginx or a Kubernetes Service would be: round-robin over the instances that
// answer /readyz (on their management ports), and a request whose connection was refused (so never sent) tried on the next one.
import { type Answer, NoAnswer, type RequestOptions, send, sleep } from './http.ts'
import { type Instance, readyStatus } from './processes.ts'

export interface InstanceCounts {
  sent: number
  answered: number
  inFlight: number
}

export interface Balancer {
  send(method: string, path: string, options?: RequestOptions): Promise<Answer>
  healthy(): string[]
  counts(url: string): InstanceCounts
  stop(): Promise<void>
}

const NEVER_SENT = new Set(['ECONNREFUSED'])

export function createBalancer(instances: readonly Instance[], probeEveryMs = 250): Balancer {
  const urls = instances.map((instance) => instance.url)
  const up = new Map(urls.map((url) => [url, true]))
  const counts = new Map<string, InstanceCounts>(urls.map((url) => [url, { sent: 0, answered: 0, inFlight: 0 }]))
  let next = 0
  let running = true
  const prober = (async () => {
    while (running) {
      await Promise.all(instances.map(async (instance) => up.set(instance.url, (await readyStatus(instance, 500)) === 200)))
      await sleep(probeEveryMs)
    }
  })()
  const pick = (tried: ReadonlySet<string>) => {
    const untried = urls.filter((url) => !tried.has(url))
    const healthy = untried.filter((url) => up.get(url))
    const pool = healthy.length > 0 ? healthy : untried
    next = (next + 1) % 1_000_000
    return pool[next % pool.length]
  }
  return {
    async send(method, path, options) {
      const tried = new Set<string>()
      for (;;) {
        const url = pick(tried)
        if (url === undefined) throw new NoAnswer('no_instance', 0, 'every instance refused the connection')
        tried.add(url)
        const count = counts.get(url) as InstanceCounts
        count.sent++
        count.inFlight++
        try {
          const answer = await send(url, method, path, options)
          count.answered++
          return answer
        } catch (error) {
          if (!(error instanceof NoAnswer) || !NEVER_SENT.has(error.code)) throw error
          up.set(url, false)
        } finally {
          count.inFlight--
        }
      }
    },
    healthy: () => urls.filter((url) => up.get(url)),
    counts: (url) => ({ ...(counts.get(url) ?? { sent: 0, answered: 0, inFlight: 0 }) }),
    async stop() {
      running = false
      await prober
    },
  }
}
