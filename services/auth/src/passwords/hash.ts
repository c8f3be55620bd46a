// argon2id hashing with configurable cost, re-hash detection, and a decoy verify so unknown users cost the same as known ones.
import argon2 from 'argon2'

export interface Argon2Parameters {
  memoryCost: number
  timeCost: number
  parallelism: number
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
