// An app the user signed in to with Portcullis, as its owner sees it: times as ISO strings.
import type { UserApp as UserAppBody } from '@portcullis/shared/api/oidc'
import type { UserApp } from '@portcullis/shared/oidc/user-apps'

function isoOrNull(epochMs: number | null): string | null {
  return epochMs === null ? null : new Date(epochMs).toISOString()
}

export function toUserAppBody(app: UserApp): UserAppBody {
  return {
    client_id: app.clientId,
    name: app.name,
    scopes: app.scopes,
    consented_at: isoOrNull(app.consentedAt),
    sign_ins: app.signIns,
    last_used_at: isoOrNull(app.lastUsedAt),
  }
}
