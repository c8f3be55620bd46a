// MFA_REQUIRED_FOR_ADMINS in tests: on by default in the product, off by default in the test kit's stacks and admin apps, so
// that a test about something else signs its admins in with a password alone. The policy's own tests, and the tests of
// `pnpm start` as a reader runs it, turn it on (or leave the product's default).
export const ADMIN_MFA_OFF: Readonly<Record<string, string>> = { MFA_REQUIRED_FOR_ADMINS: 'false' }
export const ADMIN_MFA_ON: Readonly<Record<string, string>> = { MFA_REQUIRED_FOR_ADMINS: 'true' }
