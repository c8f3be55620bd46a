// Service clients of the OAuth2 client-credentials grant: random secrets, stored as SHA-256 digests.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { Database, ServiceClient } from '@portcullis/shared/db/schema'
import { isUniqueViolation } from '@portcullis/shared/db/handle'

export const INTERNAL_SCOPES = ['sessions:revoke', 'revocations:read', 'identity:issue'] as const

function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex')
}

export interface ClientCredentials {
  clientId: string
  clientSecret: string
}

export class ServiceClientExists extends Error {
  override name = 'ServiceClientExists'
}

export async function createServiceClient(db: Kysely<Database>, name: string, scopes: readonly string[], now: number): Promise<ClientCredentials> {
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
export async function authenticateServiceClient(db: Kysely<Database>, clientId: string, clientSecret: string): Promise<ServiceClient | undefined> {
  const client = await db.selectFrom('service_clients').selectAll().where('id', '=', clientId).executeTakeFirst()
  const expected = Buffer.from(client?.secret_hash ?? '0'.repeat(64), 'hex')
  const actual = Buffer.from(hashSecret(clientSecret), 'hex')
  const matches = timingSafeEqual(expected, actual)
  if (!client || !matches || client.disabled_at !== null) return undefined
  return client
}

/**
 * What the stack's own processes ask auth for over its internal API: only the gateway, which reads the revocation feed and
 * asks for the identity tokens of the apps behind it. Saved credentials without a scope named here are replaced (stillWorks). User
 * and admin write sessions and revocations through the shared session rules in their own transactions (docs/architecture.md).
 */
const STACK_CLIENTS = {
  gateway: { name: 'gateway', scopes: ['revocations:read', 'identity:issue'] },
} as const

export type StackClientRole = keyof typeof STACK_CLIENTS

export type StackClients = Record<StackClientRole, ClientCredentials>

export interface ProvisionedStackClients {
  clients: StackClients
  /** The roles that got a new client because they had no saved credentials that still authenticate. */
  created: StackClientRole[]
}

/** Whether saved credentials still authenticate, as an enabled client holding every scope the role needs. */
async function stillWorks(db: Kysely<Database>, saved: ClientCredentials, scopes: readonly string[]): Promise<boolean> {
  const client = await authenticateServiceClient(db, saved.clientId, saved.clientSecret)
  const granted = new Set(client?.scopes.split(' ') ?? [])
  return client !== undefined && scopes.every((scope) => granted.has(scope))
}

/**
 * A new client for a role. An existing client keeps its secret, whoever holds it (another stack on the same database may be
 * running with it): when the role's name is taken, the new client gets the name with a random suffix.
 */
async function createStackClient(db: Kysely<Database>, role: StackClientRole, now: number): Promise<ClientCredentials> {
  const { name, scopes } = STACK_CLIENTS[role]
  for (let attempt = 0; ; attempt++) {
    const taken = attempt > 0 || (await db.selectFrom('service_clients').select('id').where('name', '=', name).executeTakeFirst()) !== undefined
    try {
      return await createServiceClient(db, taken ? `${name}-${randomBytes(3).toString('hex')}` : name, scopes, now)
    } catch (error) {
      // Another start took the name between the look-up and the insert; a suffixed name is tried next.
      if (!(error instanceof ServiceClientExists) || attempt >= 3) throw error
    }
  }
}

/**
 * Credentials for the stack's clients (the gateway's): the saved ones where they still work, new clients
 * where they do not. Never changes an existing client's secret.
 */
export async function keepOrCreateStackClients(db: Kysely<Database>, saved: Partial<StackClients>, now: number): Promise<ProvisionedStackClients> {
  const clients = {} as StackClients
  const created: StackClientRole[] = []
  for (const role of Object.keys(STACK_CLIENTS) as StackClientRole[]) {
    const credentials = saved[role]
    if (credentials && (await stillWorks(db, credentials, STACK_CLIENTS[role].scopes))) {
      clients[role] = credentials
    } else {
      clients[role] = await createStackClient(db, role, now)
      created.push(role)
    }
  }
  return { clients, created }
}

/** New credentials for the stack's clients (a test or bench stack on its own database). */
export async function provisionStackClients(db: Kysely<Database>, now: number): Promise<StackClients> {
  return (await keepOrCreateStackClients(db, {}, now)).clients
}
