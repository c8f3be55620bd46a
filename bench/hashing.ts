// The time of one password hash at the configured parameters, measured in the run itself: the bound on login throughput is cores ÷ that time.
import { randomBytes, scrypt } from 'node:crypto'
import { availableParallelism } from 'node:os'
import { createPasswordHasher } from '@portcullis/auth/passwords/hash'
import { loadAuthConfig } from '@portcullis/auth/config'

export interface HashTiming {
  algorithm: string
  parameters: string
  /** Median of one hash and of one verify, ms, one at a time on an otherwise idle event loop. */
  hashMs: number
  verifyMs: number
  /** Logins per second the CPUs could hash at most: cores ÷ verify time. */
  boundPerSecond: number
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? 0
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now()
  await fn()
  return performance.now() - started
}

async function timeBoth(hash: () => Promise<string>, verify: (stored: string) => Promise<unknown>, samples: number) {
  const stored = await hash()
  const hashes: number[] = []
  const verifies: number[] = []
  for (let i = 0; i < samples; i++) {
    hashes.push(await timed(hash))
    verifies.push(await timed(() => verify(stored)))
  }
  return { hashMs: median(hashes), verifyMs: median(verifies) }
}

function bound(verifyMs: number): number {
  return verifyMs > 0 ? (availableParallelism() * 1000) / verifyMs : 0
}

/** argon2id at the parameters the stack runs with (the defaults, or BENCH_SERVICE_ENV's ARGON2_*). */
export async function timeArgon2(serviceEnv: Record<string, string>, samples = 9): Promise<HashTiming> {
  const config = loadAuthConfig({ ...serviceEnv })
  const parameters = { memoryCost: config.argon2MemoryKib, timeCost: config.argon2TimeCost, parallelism: config.argon2Parallelism }
  const hasher = await createPasswordHasher(parameters)
  const password = 'correct horse battery staple'
  const { hashMs, verifyMs } = await timeBoth(
    () => hasher.hash(password),
    (stored) => hasher.verify(stored, password),
    samples,
  )
  return {
    algorithm: 'argon2id',
    parameters: `m=${parameters.memoryCost} KiB, t=${parameters.timeCost}, p=${parameters.parallelism}`,
    hashMs,
    verifyMs,
    boundPerSecond: bound(verifyMs),
  }
}

/** Better Auth's default: node:crypto scrypt N=16384, r=16, p=1, 64-byte key (@better-auth/utils/password). */
export const BETTER_AUTH_SCRYPT = { N: 16_384, r: 16, p: 1, keyLength: 64 }

export async function timeBetterAuthScrypt(samples = 9): Promise<HashTiming> {
  const { N, r, p, keyLength } = BETTER_AUTH_SCRYPT
  const derive = (salt: string) =>
    new Promise<Buffer>((resolve, reject) =>
      scrypt('correct horse battery staple', salt, keyLength, { N, r, p, maxmem: 128 * N * r * 2 }, (error, key) => (error ? reject(error) : resolve(key))),
    )
  const salt = randomBytes(16).toString('hex')
  const { hashMs, verifyMs } = await timeBoth(
    async () => (await derive(salt)).toString('hex'),
    (stored) => derive(salt).then((key) => key.toString('hex') === stored),
    samples,
  )
  return { algorithm: 'scrypt', parameters: `N=${N}, r=${r}, p=${p} (${(128 * N * r) / 1024 / 1024} MiB)`, hashMs, verifyMs, boundPerSecond: bound(verifyMs) }
}

/**
 * Verifies per second with one verify in flight per core for `seconds`: what the cores can hash right now, neighbours included,
 * to set beside the formula's bound on a shared machine.
 */
export async function argon2Throughput(serviceEnv: Record<string, string>, seconds: number): Promise<number> {
  const config = loadAuthConfig({ ...serviceEnv })
  const hasher = await createPasswordHasher({ memoryCost: config.argon2MemoryKib, timeCost: config.argon2TimeCost, parallelism: config.argon2Parallelism })
  const password = 'correct horse battery staple'
  const stored = await hasher.hash(password)
  const until = performance.now() + seconds * 1000
  let done = 0
  const worker = async () => {
    while (performance.now() < until) {
      await hasher.verify(stored, password)
      done++
    }
  }
  const started = performance.now()
  await Promise.all(Array.from({ length: availableParallelism() }, worker))
  return (done * 1000) / (performance.now() - started)
}

export function describeTiming(timing: HashTiming): string {
  return `${timing.algorithm} ${timing.parameters}: one hash ${timing.hashMs.toFixed(1)} ms, one verify ${timing.verifyMs.toFixed(1)} ms → bound ${availableParallelism()} cores ÷ verify = ${timing.boundPerSecond.toFixed(0)}/s`
}
