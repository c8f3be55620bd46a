// Security events as the account's owner reads them; an event this list does not know yet is still shown, in its own words.
const EVENT_NAMES: Record<string, string> = {
  signup: 'Account created',
  login_succeeded: 'Signed in',
  login_failed: 'Failed sign-in attempt',
  login_throttled: 'Sign-in paused after too many failed attempts',
  refresh_reuse_detected: 'Session ended: a sign-in token was used twice',
  logout: 'Signed out',
  logout_all: 'Signed out everywhere',
  password_changed: 'Password changed',
  password_reset_requested: 'Password reset link asked for',
  password_reset: 'Password changed with a reset link',
  password_reset_link_sent: 'Password reset link sent by an administrator',
  user_invited: 'Invited by an administrator',
  email_verification_sent: 'Email confirmation link sent',
  email_verified: 'Email address confirmed',
  email_change_requested: 'Email address change asked for',
  mfa_enabled: 'Two-step verification turned on',
  mfa_disabled: 'Two-step verification turned off',
  recovery_codes_regenerated: 'New recovery codes made',
  recovery_code_used: 'Signed in with a recovery code',
  mfa_reset: 'Two-step verification turned off by an administrator',
  passkey_added: 'Passkey added',
  passkey_renamed: 'Passkey renamed',
  passkey_removed: 'Passkey removed',
  reauthenticated: 'Identity confirmed for a sensitive change',
  sessions_revoked: 'All sessions ended',
  session_revoked: 'A session was signed out',
  access_tokens_revoked: 'Access revoked on every device',
  oidc_signed_in: 'Signed in to an app with Portcullis',
  oidc_consent_given: 'Allowed an app to use your account',
  oidc_consent_denied: 'Refused an app the use of your account',
  oidc_consent_withdrawn: 'Access removed from an app',
  oidc_refresh_reused: 'Signed out of an app: its sign-in token was used twice',
  admin_created: 'Administrator account created',
  admin_promoted: 'Made an administrator',
  profile_updated: 'Profile updated',
  role_changed: 'Role changed',
  user_disabled: 'Account disabled',
  user_enabled: 'Account enabled again',
}

/** Events the owner should look at twice. */
const WARNINGS = new Set([
  'login_failed',
  'login_throttled',
  'refresh_reuse_detected',
  'oidc_refresh_reused',
  'user_disabled',
  'recovery_code_used',
  'mfa_reset',
  'passkey_removed',
])

export function eventName(type: string): string {
  const known = EVENT_NAMES[type]
  if (known) return known
  const words = type.replaceAll('_', ' ')
  return words.charAt(0).toUpperCase() + words.slice(1)
}

export function isWarningEvent(type: string): boolean {
  return WARNINGS.has(type)
}
