// Whether the browser says a request comes from a page of this origin: Sec-Fetch-Site when it sends it, else the Origin
// against the Host. Whoever accepts the portcullis_access cookie alone for a request that changes something asks it (the
// gateway before an app, the OpenID Connect provider before a consent), since the cookie goes with any page's request.
export interface OriginHeaders {
  'sec-fetch-site'?: string | string[] | undefined
  origin?: string | undefined
}

export function isFromThisOrigin(headers: OriginHeaders, host: string | undefined): boolean {
  const site = headers['sec-fetch-site']
  if (site !== undefined) return site === 'same-origin'
  const origin = headers.origin
  if (!origin || !host) return false
  try {
    return new URL(origin).host === host
  } catch {
    return false
  }
}
