// Where the login page may send the browser after signing in (`/login?next=…`, as the gateway sends a signed-out visitor of
// an app page): a path on this origin and nothing else, so that a link to the login page can never carry a user off to
// another site (an open redirect).

/** Longer than any address of ours that the gateway sends back here: a value this long is not one. */
export const MAX_RETURN_PATH_LENGTH = 2048

/** A base no real address has, to see where the browser would resolve a path: anywhere else, and it was not a path. */
const BASE = 'https://return-path.invalid'

/**
 * The path to go back to, normalised as the browser would resolve it, or undefined when `raw` is anything but a plain
 * same-origin path. `raw` is taken as it is (URLSearchParams has decoded it once) and never decoded again.
 */
export function safeReturnPath(raw: string | null | undefined): string | undefined {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > MAX_RETURN_PATH_LENGTH) return undefined
  // Printable ASCII only (what a browser sends in a request line): no controls, tabs or newlines (which the URL parser
  // drops, joining what they split), no spaces, no look-alike slashes.
  if (!/^[\x21-\x7e]+$/.test(raw)) return undefined
  // The browser reads a backslash as a slash, so `/\host` is `//host`: another origin.
  if (raw.includes('\\')) return undefined
  if (!isPlainPath(raw)) return undefined
  let url: URL
  try {
    url = new URL(raw, BASE)
  } catch {
    return undefined
  }
  if (url.origin !== BASE) return undefined
  const path = `${url.pathname}${url.search}${url.hash}`
  // Dot segments resolved (`/..//host` and `/%2e%2e//host` are `//host`): the result must pass as the input did.
  return isPlainPath(path) ? path : undefined
}

/** One slash first and not two; no slash or backslash encoded right after it, nor an encoded backslash anywhere, which a
 * server or proxy that decodes once more would read as `//host`. */
function isPlainPath(path: string): boolean {
  return path.startsWith('/') && !path.startsWith('//') && !/^\/%(2f|5c)/i.test(path) && !/%5c/i.test(path)
}
