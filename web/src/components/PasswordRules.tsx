// Live feedback on the password rules, read out politely as they change.
import { passwordRules } from './password-rules.ts'

export function PasswordRules({ password, confirm, username }: { password: string; confirm: string; username: string }) {
  return (
    <ul className="password-rules" aria-live="polite" aria-label="Password rules">
      {passwordRules(password, confirm, username).map((rule) => (
        <li key={rule.label} className={rule.met ? 'met' : 'unmet'}>
          <span aria-hidden="true">{rule.met ? '✓' : '•'}</span> {rule.label}
          <span className="visually-hidden">{rule.met ? ' (met)' : ' (not yet)'}</span>
        </li>
      ))}
    </ul>
  )
}
