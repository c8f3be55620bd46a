// What an app may see of the account, one line per scope (lib/oidc-scopes.ts).
import { scopeDescriptions } from '../lib/oidc-scopes.ts'

export function ScopeList({ scopes, label }: { scopes: readonly string[]; label: string }) {
  return (
    <ul className="scope-list" aria-label={label}>
      {scopeDescriptions(scopes).map((description) => (
        <li key={description}>{description}</li>
      ))}
    </ul>
  )
}
