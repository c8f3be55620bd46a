// Who the passkeys are for: the relying party ID is PUBLIC_URL's host name and the only origin accepted is PUBLIC_URL's,
// so a passkey made on one deployment cannot be used on another, nor answered from a page of any other origin.
import type { LinkConfig } from '@portcullis/shared/settings/links'
import { PRODUCT_NAME } from '@portcullis/shared/product'

export interface RelyingParty {
  id: string
  name: string
  origin: string
}

export function relyingParty(config: Pick<LinkConfig, 'publicUrl'>): RelyingParty {
  const url = new URL(config.publicUrl)
  return { id: url.hostname, name: PRODUCT_NAME, origin: url.origin }
}
