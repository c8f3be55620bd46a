// What an app signed in with Portcullis may see, in the user's words: one sentence per OpenID Connect scope, for the consent
// page and the apps on the dashboard. A scope this list does not know is shown by its name.
const SCOPE_DESCRIPTIONS: Readonly<Record<string, string>> = {
  openid: 'Your account ID',
  profile: 'Your username and display name',
  email: 'Your email address',
  offline_access: 'Stay signed in while you are away',
}

export function scopeDescription(scope: string): string {
  return Object.hasOwn(SCOPE_DESCRIPTIONS, scope) ? (SCOPE_DESCRIPTIONS[scope] as string) : scope
}

/** The descriptions of `scopes`, in their order, each once. */
export function scopeDescriptions(scopes: readonly string[]): string[] {
  return [...new Set(scopes.map(scopeDescription))]
}
