// The problems only the admin service answers with. docs/errors.md lists them with every other package's.
import { problemsOf } from '@portcullis/shared/problems/define'

const define = problemsOf('admin')

export const LastAdmin = define(
  'last_admin',
  409,
  'The last active admin cannot be demoted or disabled',
  'The change would leave no active admin: promote another user first.',
)
export const NoEmail = define(
  'no_email',
  409,
  'This user has no email address to send a link to',
  'A reset link goes to the account’s email address, and this account has none: the user can add one on their profile.',
)
export const UserDisabled = define(
  'user_disabled',
  409,
  'This user is disabled: enable the account before sending it a link',
  'A reset link for a disabled account could not be used: enable it first.',
)
export const NoSecondFactor = define(
  'no_second_factor',
  409,
  'This user has no two-step verification to reset',
  'The user has not set up an authenticator app (or only began to): there is nothing to remove.',
)
export const OidcClientNameTaken = define(
  'oidc_client_name_taken',
  409,
  'Another app already has that name: choose another',
  'OpenID Connect client names are unique, as users see them on the consent page and in their apps.',
)
export const OidcClientPublic = define(
  'oidc_client_public',
  409,
  'A public app has no secret: it signs in with PKCE instead',
  'Only a confidential OpenID Connect client has a secret to replace; a public one (a single-page or native app) never has one.',
)
