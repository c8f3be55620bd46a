// oidc-provider's Client model read from oidc_clients: a registered, enabled client as the metadata oidc-provider checks. A
// confidential client's client_secret is its stored hash; the provider compares a presented secret with it through
// compareClientSecret (provider/hashed-client-secrets.ts), never the secret itself. Clients are written by our own commands
// and console only (dynamic registration is off), so the adapter's writes refuse.
import type { Kysely } from 'kysely'
import type { Adapter, AdapterPayload, ClientMetadata } from 'oidc-provider'
import type { Database, OidcClient } from '@portcullis/shared/db/schema'

/**
 * Where an app may send the browser after RP-initiated logout: its redirect URIs and the root of each one's origin (as
 * Keycloak's "+"), so an app needs no second list to sign out to its own front page.
 */
export function postLogoutRedirectUris(redirectUris: readonly string[]): string[] {
  return [...new Set([...redirectUris, ...redirectUris.map((uri) => `${new URL(uri).origin}/`)])]
}

export function clientMetadata(row: OidcClient): ClientMetadata {
  const redirectUris = JSON.parse(row.redirect_uris) as string[]
  const common: ClientMetadata = {
    client_id: row.id,
    client_name: row.name,
    redirect_uris: redirectUris,
    post_logout_redirect_uris: postLogoutRedirectUris(redirectUris),
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'] as const,
  }
  if (row.public === 1 || row.secret_hash === null) return { ...common, token_endpoint_auth_method: 'none' }
  return { ...common, client_secret: row.secret_hash, token_endpoint_auth_method: 'client_secret_basic' }
}

export class ClientAdapter implements Adapter {
  private readonly db: Kysely<Database>

  constructor(db: Kysely<Database>) {
    this.db = db
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    const row = await this.db.selectFrom('oidc_clients').selectAll().where('id', '=', id).where('disabled_at', 'is', null).executeTakeFirst()
    return row ? (clientMetadata(row) as AdapterPayload) : undefined
  }

  async upsert(): Promise<void> {
    throw new Error('OpenID Connect clients are registered with pnpm create-oidc-client or the admin console, not by the provider')
  }

  async findByUid(): Promise<undefined> {
    return undefined
  }

  async findByUserCode(): Promise<undefined> {
    return undefined
  }

  async consume(): Promise<void> {}

  async destroy(): Promise<void> {
    throw new Error('OpenID Connect clients are removed by the admin console, not by the provider')
  }

  async revokeByGrantId(): Promise<void> {}
}
