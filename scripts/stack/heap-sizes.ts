// The V8 heap of each Portcullis process, sized once here (issue 17): pnpm start hands these flags to its processes and runs
// its own supervisor with them (package.json), and the systemd units, the images and the Kubernetes manifests write the same
// numbers, which infra/test/heap-sizes.test.ts checks against this table. BENCHMARKS.md ("Issue 17: memory") has the
// measurements they were chosen from: a young generation of a few MiB instead of V8's default (its new space grew to 64 MiB
// in each process at start-up, and stayed) and an old generation bounded well above what a process holds after a GC.
import type { StackProcess } from './settings.ts'

export interface HeapSize {
  /** --max-semi-space-size, MiB: each of the young generation's semi-spaces (new objects; scavenged when one fills). */
  semiSpaceMiB: number
  /** --max-old-space-size, MiB: the old generation, where V8 collects harder as it nears this instead of growing. */
  oldSpaceMiB: number
}

export type HeapSized = StackProcess | 'supervisor'

export const HEAP_SIZES: Record<HeapSized, HeapSize> = {
  auth: { semiSpaceMiB: 4, oldSpaceMiB: 96 },
  user: { semiSpaceMiB: 4, oldSpaceMiB: 96 },
  admin: { semiSpaceMiB: 4, oldSpaceMiB: 96 },
  oidc: { semiSpaceMiB: 4, oldSpaceMiB: 128 },
  gateway: { semiSpaceMiB: 4, oldSpaceMiB: 96 },
  supervisor: { semiSpaceMiB: 1, oldSpaceMiB: 64 },
}

/**
 * glibc's malloc, for every process: an allocation of 128 KiB or more is mmapped and given back when freed. By default
 * glibc raises that threshold after the first such free (up to 32 MiB), and argon2id's 19 MiB blocks, Node's buffers and
 * the SQLite pages then stay in its arenas, one per thread, for good: auth held 160 MiB Pss after a minute of logins.
 */
export const MALLOC_ENV = { MALLOC_MMAP_THRESHOLD_: '131072' } as const

/** The Node flags for a process: `--max-semi-space-size=4 --max-old-space-size=96`. */
export function heapFlags(name: HeapSized): string {
  const { semiSpaceMiB, oldSpaceMiB } = HEAP_SIZES[name]
  return `--max-semi-space-size=${semiSpaceMiB} --max-old-space-size=${oldSpaceMiB}`
}

/** NODE_OPTIONS for a process of the stack: its heap flags, then what the operator set (later flags win, so theirs do). */
export function withHeapFlags(name: HeapSized, given: string | undefined): string {
  return given?.trim() ? `${heapFlags(name)} ${given.trim()}` : heapFlags(name)
}
