// argon2 hashes on libuv's thread pool, which has 4 threads unless UV_THREADPOOL_SIZE says otherwise: on a machine with more
// cores, logins would use only four of them. Imported first by server.ts, before anything uses the pool (libuv reads the variable
// once, when the pool starts). A value the operator set wins. BENCHMARKS.md: fewer threads than cores leaves cores idle.
import { availableParallelism } from 'node:os'
import { sizeThreadPool } from '../config.ts'

sizeThreadPool(availableParallelism())
