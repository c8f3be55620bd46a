// Where the provider's endpoints live under the issuer (PUBLIC_URL): all under /oidc/, so that none shadows Portcullis' own
// paths (/auth/* is auth's), and discovery where the standard puts it.
export const OIDC_PREFIX = '/oidc'

export const DISCOVERY_PATH = '/.well-known/openid-configuration'

export const OIDC_ROUTES = {
  authorization: `${OIDC_PREFIX}/auth`,
  end_session: `${OIDC_PREFIX}/session/end`,
  introspection: `${OIDC_PREFIX}/token/introspection`,
  jwks: `${OIDC_PREFIX}/jwks`,
  revocation: `${OIDC_PREFIX}/token/revocation`,
  token: `${OIDC_PREFIX}/token`,
  userinfo: `${OIDC_PREFIX}/me`,
} as const
