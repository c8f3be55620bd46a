// Registers a relying party: checks what it is given (a name, one or more absolute http(s) redirect URIs), stores it with its
// secret hashed (none for a public client, which must use PKCE), and returns the secret, the only time it is seen.
import { randomBytes } from 'node:crypto'
import type { Kysely } from 'kysely'
import { isUniqueViolation } from '@portcullis/shared/db/handle'
import type { Database } from '@portcullis/shared/db/schema'
import { hashClientSecret, newClientSecret } from './client-secret.ts'

export interface NewOidcClient {
  name: string
  redirectUris: string[]
  public: boolean
  firstParty: boolean
}

export interface RegisteredOidcClient {
  clientId: string
  /** undefined for a public client. */
  clientSecret: string | undefined
}

export class InvalidOidcClient extends Error {
  override name = 'InvalidOidcClient'
}

export class OidcClientExists extends Error {
  override name = 'OidcClientExists'
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/

/** Why a redirect URI is refused, or undefined when it is an absolute http(s) URI without a fragment. */
export function redirectUriProblem(uri: string): string | undefined {
  let url: URL
  try {
    url = new URL(uri)
  } catch {
    return `--redirect-uri ${uri} is not an absolute URI (http://… or https://…)`
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `--redirect-uri ${uri} is not http(s)`
  if (url.hash !== '' || uri.includes('#')) return `--redirect-uri ${uri} has a fragment (#…), which a redirect URI may not have`
  return undefined
}

export function checkNewOidcClient(client: NewOidcClient): void {
  if (!NAME.test(client.name))
    throw new InvalidOidcClient('--name must be 1 to 64 letters, digits, spaces, dots, dashes or underscores, starting with a letter or digit')
  if (client.redirectUris.length === 0) throw new InvalidOidcClient('at least one --redirect-uri is needed: where the provider sends the user back')
  for (const uri of client.redirectUris) {
    const problem = redirectUriProblem(uri)
    if (problem) throw new InvalidOidcClient(problem)
  }
}

export async function registerOidcClient(db: Kysely<Database>, client: NewOidcClient, now: number): Promise<RegisteredOidcClient> {
  checkNewOidcClient(client)
  const clientId = randomBytes(16).toString('base64url')
  const clientSecret = client.public ? undefined : newClientSecret()
  try {
    await db
      .insertInto('oidc_clients')
      .values({
        id: clientId,
        name: client.name,
        secret_hash: clientSecret === undefined ? null : hashClientSecret(clientSecret),
        redirect_uris: JSON.stringify([...new Set(client.redirectUris)]),
        public: client.public ? 1 : 0,
        first_party: client.firstParty ? 1 : 0,
        created_at: now,
        disabled_at: null,
      })
      .execute()
  } catch (error) {
    if (isUniqueViolation(error)) throw new OidcClientExists(`an OpenID Connect client named "${client.name}" already exists`)
    throw error
  }
  return { clientId, clientSecret }
}
