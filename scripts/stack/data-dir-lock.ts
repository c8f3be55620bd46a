// One stack per data folder: DATA_DIR/portcullis.lock names the process running on it, and a second start is refused while
// that process lives. A lock left by a process that has gone (killed outright) is taken over.
import { linkSync, mkdirSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { StartRefused } from './start-refused.ts'

export const LOCK_FILE = 'portcullis.lock'

interface LockHolder {
  pid: number
  /** The kernel's start time of that pid (/proc/PID/stat), so a pid reused by another program is not taken for the holder. */
  startTicks: string | null
  since: string
}

export interface DataDirLock {
  file: string
  release(): void
}

function startTicks(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null
  } catch {
    return null // not Linux, or no such process
  }
}

function isRunning(holder: LockHolder): boolean {
  try {
    process.kill(holder.pid, 0)
  } catch (error) {
    // EPERM: it exists, under another user.
    if ((error as { code?: unknown }).code !== 'EPERM') return false
  }
  const now = startTicks(holder.pid)
  return holder.startTicks === null || now === null || now === holder.startTicks
}

function readHolder(file: string): { text: string; holder: LockHolder | undefined } {
  let text = ''
  try {
    text = readFileSync(file, 'utf8')
    const parsed = JSON.parse(text) as Partial<LockHolder>
    if (typeof parsed.pid === 'number' && Number.isInteger(parsed.pid) && parsed.pid > 0) {
      return { text, holder: { pid: parsed.pid, startTicks: parsed.startTicks ?? null, since: String(parsed.since ?? '') } }
    }
  } catch {
    // unreadable or half-written: treated as a lock nobody holds
  }
  return { text, holder: undefined }
}

function unwritable(dataDir: string, error: unknown): Error {
  const code = (error as { code?: unknown }).code
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
    return new StartRefused(`DATA_DIR ${dataDir} is read-only for this user: choose another DATA_DIR or make it writable`)
  }
  if (code === 'ENOTDIR' || code === 'EEXIST') return new StartRefused(`DATA_DIR ${dataDir} is not a folder (a file is in its way): choose another DATA_DIR`)
  return error instanceof Error ? error : new Error(String(error))
}

function inUse(dataDir: string, holder: LockHolder): StartRefused {
  return new StartRefused(
    `DATA_DIR ${dataDir} is in use by another Portcullis stack (pid ${holder.pid}, running since ${holder.since}): stop that one first (Ctrl-C where it runs, or kill ${holder.pid}), or give this one its own DATA_DIR`,
  )
}

/** Takes DATA_DIR's lock for this process, released when it exits; throws StartRefused while another live process holds it. */
export function lockDataDir(dataDir: string): DataDirLock {
  const file = path.join(dataDir, LOCK_FILE)
  const mine = `${JSON.stringify({ pid: process.pid, startTicks: startTicks(process.pid), since: new Date().toISOString() })}\n`
  const candidate = `${file}.${process.pid}`
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 })
    writeFileSync(candidate, mine, { mode: 0o600 })
  } catch (error) {
    throw unwritable(dataDir, error)
  }
  const lock: DataDirLock = {
    file,
    release() {
      if (readHolder(file).text === mine) rmSync(file, { force: true })
    },
  }
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        // A hard link appears whole or not at all: nobody ever reads a half-written lock.
        linkSync(candidate, file)
        process.once('exit', () => lock.release())
        return lock
      } catch (error) {
        if ((error as { code?: unknown }).code !== 'EEXIST') throw unwritable(dataDir, error)
      }
      const stale = readHolder(file)
      if (stale.holder && isRunning(stale.holder)) throw inUse(dataDir, stale.holder)
      // The holder is gone: replace its lock, unless another start replaced it since it was read.
      if (readHolder(file).text !== stale.text) continue
      const takeover = `${candidate}.takeover`
      writeFileSync(takeover, mine, { mode: 0o600 })
      renameSync(takeover, file)
      if (readHolder(file).text === mine) {
        process.once('exit', () => lock.release())
        return lock
      }
    }
    const holder = readHolder(file).holder
    throw holder ? inUse(dataDir, holder) : new StartRefused(`DATA_DIR ${dataDir} is being taken by another start at this moment: try again`)
  } finally {
    try {
      unlinkSync(candidate)
    } catch {
      // already gone
    }
  }
}
