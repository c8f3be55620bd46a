// argon2 hashes on libuv's thread pool, which has 4 threads unless UV_THREADPOOL_SIZE says otherwise: on a machine with more
// cores, logins would use only four of them. Imported first by server.ts, before anything uses the pool (libuv reads the variable
// once, when the pool starts). A value the operator set wins. BENCHMARKS.md: fewer threads than cores leaves cores idle.
import { availableParallelism } from 'node:os'

const LIBUV_DEFAULT = 4

/** The pool size for this process: the operator's, else one thread per core but never below libuv's default. */
export function threadPoolSize(env: NodeJS.ProcessEnv, cores: number): string {
  return env.UV_THREADPOOL_SIZE?.trim() || String(Math.max(LIBUV_DEFAULT, cores))
}

process.env.UV_THREADPOOL_SIZE = threadPoolSize(process.env, availableParallelism())
