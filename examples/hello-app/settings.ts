// The example app's settings, from the environment: where it listens, whom it trusts, and where Portcullis' keys are. A value
// it cannot use stops it at start with exit code 2, naming the variable.
export function loadSettings(env: NodeJS.ProcessEnv = process.env) {
  const port = Number(env.PORT ?? 3000)
  if (!Number.isInteger(port) || port < 0 || port > 65_535) fail('PORT', 'must be a port number')
  const trust = env.TRUST ?? 'token'
  if (trust !== 'token' && trust !== 'headers') fail('TRUST', 'must be token or headers')
  const jwksUrl = env.JWKS_URL ?? 'http://127.0.0.1:8081/auth/.well-known/jwks.json'
  if (!URL.canParse(jwksUrl)) fail('JWKS_URL', 'must be a URL')
  return { port, trust, jwksUrl: new URL(jwksUrl), appName: env.APP_NAME ?? 'hello', issuer: env.TOKEN_ISSUER ?? 'portcullis' }
}

function fail(variable: string, problem: string): never {
  console.error(`${variable} ${problem}`)
  process.exit(2)
}
