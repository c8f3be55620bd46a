// Service clients of the OAuth2 client-credentials grant: random secrets, stored as SHA-256 digests.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { Database, ServiceClient } from '@portcullis/shared/db/schema'
import { isUniqueViolation } from '@portcullis/shared/db/connect'

export const INTERNAL_SCOPES = ['sessions:revoke', 'revocations:read'] as const

function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex')
}

export class ServiceClientExists extends Error {
  override name = 'ServiceClientExists'
}

export async function createServiceClient(
  db: Kysely<Database>,
  name: string,
  scopes: readonly string[],
  now: number,
): Promise<{ clientId: string; clientSecret: string }> {
  const clientId = `${name}-${randomBytes(4).toString('hex')}`
  const clientSecret = randomBytes(32).toString('base64url')
  try {
    await db
      .insertInto('service_clients')
      .values({ id: clientId, name, secret_hash: hashSecret(clientSecret), scopes: scopes.join(' '), created_at: now, disabled_at: null })
      .execute()
  } catch (error) {
    if (isUniqueViolation(error)) throw new ServiceClientExists(`a service client named "${name}" already exists`)
    throw error
  }
  return { clientId, clientSecret }
}

/** The client when id and secret match an enabled client; compared in constant time. */
export async function authenticateServiceClient(
  db: Kysely<Database>,
  clientId: string,
  clientSecret: string,
): Promise<ServiceClient | undefined> {
  const client = await db.selectFrom('service_clients').selectAll().where('id', '=', clientId).executeTakeFirst()
  const expected = Buffer.from(client?.secret_hash ?? '0'.repeat(64), 'hex')
  const actual = Buffer.from(hashSecret(clientSecret), 'hex')
  const matches = timingSafeEqual(expected, actual)
  if (!client || !matches || client.disabled_at !== null) return undefined
  return client
}

/** The stack's own clients: created on first start, given a fresh secret on every start after (only the hash is kept). */
export async function provisionServiceClient(
  db: Kysely<Database>,
  name: string,
  scopes: readonly string[],
  now: number,
): Promise<{ clientId: string; clientSecret: string }> {
  const existing = await db.selectFrom('service_clients').select('id').where('name', '=', name).executeTakeFirst()
  if (!existing) return createServiceClient(db, name, scopes, now)
  const clientSecret = randomBytes(32).toString('base64url')
  await db
    .updateTable('service_clients')
    .set({ secret_hash: hashSecret(clientSecret), scopes: scopes.join(' '), disabled_at: null })
    .where('id', '=', existing.id)
    .execute()
  return { clientId: existing.id, clientSecret }
}

/** What each of the stack's own services may ask auth for: user and admin end sessions, the gateway reads the revocation feed. */
const STACK_CLIENTS = {
  user: { name: 'user-service', scopes: ['sessions:revoke'] },
  admin: { name: 'admin-service', scopes: ['sessions:revoke'] },
  gateway: { name: 'gateway', scopes: ['revocations:read'] },
} as const

export type StackClients = Record<keyof typeof STACK_CLIENTS, { clientId: string; clientSecret: string }>

/** Credentials for the user service, the admin service and the gateway, fresh on every start. */
export async function provisionStackClients(db: Kysely<Database>, now: number): Promise<StackClients> {
  return {
    user: await provisionServiceClient(db, STACK_CLIENTS.user.name, STACK_CLIENTS.user.scopes, now),
    admin: await provisionServiceClient(db, STACK_CLIENTS.admin.name, STACK_CLIENTS.admin.scopes, now),
    gateway: await provisionServiceClient(db, STACK_CLIENTS.gateway.name, STACK_CLIENTS.gateway.scopes, now),
  }
}
