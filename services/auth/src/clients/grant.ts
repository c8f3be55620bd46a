// The OAuth2 client-credentials grant (RFC 6749 §4.4): a service client's id and secret (HTTP Basic or in the body) for a
// short-lived service token carrying the scopes it has and asked for.
import type { Kysely } from 'kysely'
import type { Database } from '@portcullis/shared/db/schema'
import { InvalidClient } from '../errors.ts'
import { authenticateServiceClient } from './service-clients.ts'

export interface GrantRequest {
  /** From the Authorization: Basic header, else the body. */
  clientId: string | undefined
  clientSecret: string | undefined
  /** The scopes asked for, space-separated; unset: all the client has. */
  scope: string | undefined
}

/** `Authorization: Basic base64(urlencoded id ":" urlencoded secret)`, or undefined when the header is not Basic. */
export function basicCredentials(header: string | undefined): { id: string; secret: string } | undefined {
  if (!header?.startsWith('Basic ')) return undefined
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  if (colon < 1) return undefined
  try {
    return { id: decodeURIComponent(decoded.slice(0, colon)), secret: decodeURIComponent(decoded.slice(colon + 1)) }
  } catch {
    // Malformed percent-encoding (URIError) is a client that failed to authenticate, not a server error.
    throw new InvalidClient()
  }
}

/** The client and the scopes its token carries; InvalidClient when the credentials do not match an enabled client. */
export async function grantClientCredentials(db: Kysely<Database>, request: GrantRequest): Promise<{ clientId: string; scopes: string[] }> {
  if (!request.clientId || !request.clientSecret) throw new InvalidClient()
  const client = await authenticateServiceClient(db, request.clientId, request.clientSecret)
  if (!client) throw new InvalidClient()
  const granted = client.scopes.split(' ').filter(Boolean)
  const requested = request.scope?.split(' ').filter(Boolean)
  return { clientId: client.id, scopes: requested ? granted.filter((scope) => requested.includes(scope)) : granted }
}
