// Codes of a TOTP secret as an authenticator app makes them, for tests that sign in with a second factor.
export { totpCodeAt } from '@portcullis/auth/mfa/totp'
