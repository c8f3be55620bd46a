// Live feedback on the password rules, read out politely as they change.
import type { ChecklistItem } from '../lib/password-checks.ts'

export function PasswordRules({ items }: { items: ChecklistItem[] }) {
  return (
    <ul className="password-rules" aria-live="polite" aria-label="Password rules">
      {items.map((item) => (
        <li key={item.label} className={item.met ? 'met' : 'unmet'}>
          <span aria-hidden="true">{item.met ? '✓' : '•'}</span> {item.label}
          <span className="visually-hidden">{item.met ? ' (met)' : ' (not yet)'}</span>
        </li>
      ))}
    </ul>
  )
}
