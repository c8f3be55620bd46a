// An oidc_clients row as the admin API shows it: ISO times, the redirect URIs as a list, never the secret's hash.
import type { OidcClientBody } from '@portcullis/shared/api/oidc-clients'
import type { OidcClient } from '@portcullis/shared/db/schema'
import { clientRedirectUris } from '@portcullis/shared/oidc/clients'

export function toOidcClientBody(client: OidcClient): OidcClientBody {
  return {
    client_id: client.id,
    name: client.name,
    redirect_uris: clientRedirectUris(client),
    public: client.public === 1,
    first_party: client.first_party === 1,
    created_at: new Date(Number(client.created_at)).toISOString(),
    disabled_at: client.disabled_at === null ? null : new Date(Number(client.disabled_at)).toISOString(),
  }
}
