// The problems only the gateway answers with: the service behind a route cannot answer. docs/errors.md lists them with
// every other package's.
import { problemsOf } from '@portcullis/shared/problems/define'

const define = problemsOf('gateway')

export const UpstreamUnavailable = define(
  'upstream_unavailable',
  502,
  'The %s service cannot answer right now',
  'No instance of the service behind the route is ready, or the one asked failed before answering; a retry may succeed.',
)
export const UpstreamTimeout = define(
  'upstream_timeout',
  504,
  'The %s service took too long to answer',
  'The service behind the route did not answer within UPSTREAM_TIMEOUT_MS; the request may or may not have taken effect.',
)
export const CrossSiteRequest = define(
  'cross_site_request',
  403,
  'This change must come from a page of this site',
  'A POST, PUT, PATCH or DELETE (or a WebSocket upgrade) to an app, or one asked about at GET /auth/forward-auth, authenticated by the portcullis_access cookie alone came without Sec-Fetch-Site: same-origin (or an Origin matching the host): another site may have sent it. Pages of the app send it with their own requests; API clients use Authorization: Bearer.',
)
