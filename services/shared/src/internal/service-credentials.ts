// A service's client credentials for auth's internal API, required at start-up with a message naming what is missing.
import { type Config, ConfigError } from '../config.ts'

export function serviceCredentials(config: Config, why: string): { clientId: string; clientSecret: string } {
  const { serviceClientId: clientId, serviceClientSecret: clientSecret } = config
  if (clientId === undefined || clientSecret === undefined) {
    const missing = [clientId === undefined ? 'SERVICE_CLIENT_ID' : undefined, clientSecret === undefined ? 'SERVICE_CLIENT_SECRET' : undefined]
    throw new ConfigError(`${missing.filter(Boolean).join(' and ')} must be set: ${why}`)
  }
  return { clientId, clientSecret }
}
