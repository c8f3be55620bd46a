// argon2id hashing with configurable cost, re-hash detection, and a decoy verify so unknown users cost the same as known ones.
import argon2 from 'argon2'
import type { AuthConfig } from '../config.ts'

export interface Argon2Parameters {
  memoryCost: number
  timeCost: number
  parallelism: number
}

/** ARGON2_MEMORY_KIB, ARGON2_TIME_COST and ARGON2_PARALLELISM as argon2 takes them. */
export function argon2Parameters(config: Pick<AuthConfig, 'argon2MemoryKib' | 'argon2TimeCost' | 'argon2Parallelism'>): Argon2Parameters {
  return { memoryCost: config.argon2MemoryKib, timeCost: config.argon2TimeCost, parallelism: config.argon2Parallelism }
}

export interface PasswordHasher {
  hash(password: string): Promise<string>
  verify(hash: string, password: string): Promise<boolean>
  needsRehash(hash: string): boolean
  /** Spends the time of one verify and answers false: used when no account matches. */
  verifyDecoy(password: string): Promise<false>
}

export async function createPasswordHasher(parameters: Argon2Parameters): Promise<PasswordHasher> {
  const options = { type: argon2.argon2id as 0 | 1 | 2, ...parameters }
  const hash = (password: string) => argon2.hash(password, options)
  const decoyHash = await hash(`decoy-${Math.random()}`)
  return {
    hash,
    async verify(stored, password) {
      try {
        return await argon2.verify(stored, password)
      } catch {
        return false
      }
    },
    needsRehash(stored) {
      try {
        return argon2.needsRehash(stored, options)
      } catch {
        return true
      }
    },
    async verifyDecoy(password) {
      await argon2.verify(decoyHash, password).catch(() => false)
      return false
    },
  }
}
