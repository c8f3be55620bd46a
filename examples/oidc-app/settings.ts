// The example app's settings, from the environment: where it listens, where it is reached, which Portcullis signs its users
// in, and the client Portcullis registered for it. A value it cannot use stops it at start with exit code 2, naming it.
export interface Settings {
  port: number
  /** Its own origin as browsers reach it: its redirect URI is APP_URL/callback. */
  appUrl: URL
  /** Portcullis' PUBLIC_URL: the OpenID Connect issuer, found by discovery. */
  issuer: URL
  clientId: string
  /** Unset for a public client (then PKCE alone protects the code). */
  clientSecret: string | undefined
}

export function loadSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const port = Number(env.PORT ?? 3001)
  if (!Number.isInteger(port) || port < 0 || port > 65_535) fail('PORT', 'must be a port number')
  const appUrl = url('APP_URL', env.APP_URL ?? `http://localhost:${port}`)
  const issuer = url('ISSUER', env.ISSUER ?? 'http://localhost:8080')
  const clientId = env.CLIENT_ID
  if (!clientId) fail('CLIENT_ID', 'is required: the CLIENT_ID pnpm create-oidc-client printed')
  return { port, appUrl, issuer, clientId, clientSecret: env.CLIENT_SECRET || undefined }
}

function url(variable: string, value: string): URL {
  if (!URL.canParse(value)) fail(variable, `must be a URL (got ${value})`)
  const parsed = new URL(value)
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') fail(variable, 'must be http:// or https://')
  return parsed
}

function fail(variable: string, problem: string): never {
  console.error(`${variable} ${problem}`)
  process.exit(2)
}
