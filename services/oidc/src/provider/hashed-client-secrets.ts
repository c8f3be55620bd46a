// Our clients' secrets are stored hashed: the Client model's client_secret is the SHA-256 (clients/client-adapter.ts), so the
// provider's comparison of a presented secret is replaced by one against the hash (oidc-provider awaits compareClientSecret).
import type Provider from 'oidc-provider'
import { clientSecretMatches } from '@portcullis/shared/oidc/client-secret'

export function compareClientSecretsHashed(provider: Provider): void {
  provider.Client.prototype.compareClientSecret = function compareHashed(presented: string): boolean {
    return typeof this.clientSecret === 'string' && clientSecretMatches(this.clientSecret, presented)
  }
}
