// Access tokens that must be refused: signed by a stranger, altered after signing, unsigned, or signed right with wrong claims.
import { generateKeyPairSync, sign } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { Database } from '@portcullis/shared/db/schema'

function encode(part: unknown): string {
  return Buffer.from(JSON.stringify(part)).toString('base64url')
}

function decode(part: string | undefined): Record<string, unknown> {
  if (part === undefined) throw new Error('not a JWT')
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'))
}

function signEdDsa(header: Record<string, unknown>, claims: Record<string, unknown>, privateKeyPem: string): string {
  const input = `${encode(header)}.${encode(claims)}`
  return `${input}.${sign(null, Buffer.from(input), privateKeyPem).toString('base64url')}`
}

/** The same header and claims, signed by a key auth never published (under auth's kid). */
export function forgedToken(token: string): string {
  const [header, payload] = token.split('.')
  const { privateKey } = generateKeyPairSync('ed25519')
  return signEdDsa(decode(header), decode(payload), privateKey.export({ type: 'pkcs8', format: 'pem' }).toString())
}

/** Auth's signature over claims changed afterwards. */
export function tamperedToken(token: string, changes: Record<string, unknown>): string {
  const [header, payload, signature] = token.split('.')
  return `${header}.${encode({ ...decode(payload), ...changes })}.${signature}`
}

/** The claims with `alg: none` and no signature. */
export function unsignedToken(token: string): string {
  const [header, payload] = token.split('.')
  return `${encode({ ...decode(header), alg: 'none' })}.${payload}.`
}

/** Signed with auth's real current key: for claims auth would never issue (expired, other audience, service tokens). */
export async function signedByAuth(db: Kysely<Database>, token: string, changes: Record<string, unknown>): Promise<string> {
  const [header, payload] = token.split('.')
  const key = await db
    .selectFrom('signing_keys')
    .selectAll()
    .where('kid', '=', String(decode(header).kid))
    .executeTakeFirstOrThrow()
  if (key.alg !== 'EdDSA') throw new Error(`signedByAuth signs EdDSA only, not ${key.alg}`)
  return signEdDsa(decode(header), { ...decode(payload), ...changes }, key.private_pem)
}
