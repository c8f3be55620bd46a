// What `pnpm start` reads from the environment besides the shared Config: what its processes inherit, and which of the
// gateway's settings were given at all (the rest the stack chooses).
export interface StackEnvironment {
  /** Passed on to every process, under the stack's own settings (ACCESS_TOKEN_TTL, LOG_LEVEL, ARGON2_… reach them this way). */
  inherited: Record<string, string | undefined>
  /** MANAGEMENT_PORT was given (and is not 0): the gateway serves /healthz, /readyz and /metrics there, else on a free port. */
  gatewayManagementPortGiven: boolean
  /** The gateway's TRUST_PROXY as given (unset: none); the services' own is the gateway's address, whatever is given. */
  gatewayTrustProxy: string
}

export function loadStackEnvironment(env: Record<string, string | undefined> = process.env): StackEnvironment {
  const managementPort = env.MANAGEMENT_PORT?.trim()
  return {
    inherited: { ...env },
    gatewayManagementPortGiven: managementPort !== undefined && managementPort !== '' && Number(managementPort) !== 0,
    gatewayTrustProxy: env.TRUST_PROXY?.trim() ?? '',
  }
}
