// The problems only the OpenID Connect provider's own routes answer with (its protocol endpoints answer as the standard says,
// with oidc-provider's OAuth errors). docs/errors.md lists them with every other package's.
import { problemsOf } from '@portcullis/shared/problems/define'

const define = problemsOf('oidc')

export const InteractionNotFound = define(
  'interaction_not_found',
  404,
  'This sign-in request has expired or was already used',
  'No sign-in to another app is waiting under this id in this browser (it lasts 10 minutes and is finished once); go back to the app and sign in again.',
)
export const CrossSiteConsent = define(
  'cross_site_consent',
  403,
  'This answer must come from a page of this site',
  'A consent or sign-in answer authenticated by the portcullis_access cookie alone came without Sec-Fetch-Site: same-origin (or an Origin matching the host): another site may have sent it. The consent page sends its own answers.',
)
