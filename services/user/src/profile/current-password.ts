// Whether a password is the account's current one: argon2's own check of the stored hash (its parameters are in the hash,
// so the user service needs none of auth's hashing settings). A malformed hash is a mismatch, never an error.
import argon2 from 'argon2'

export async function isCurrentPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(passwordHash, password)
  } catch {
    return false
  }
}
