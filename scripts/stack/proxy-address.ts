// The address the gateway's connections to the services come from, which is the one address the services believe
// X-Forwarded-For from: 127.0.0.2, so that a program on this machine talking to a service straight from 127.0.0.1 cannot
// choose the client address that auth throttles on and records.
import { createServer } from 'node:net'

export const GATEWAY_SOURCE_ADDRESS = '127.0.0.2'
const FALLBACK_ADDRESS = '127.0.0.1'

/** Whether this machine can listen on `address` (Linux answers on all of 127.0.0.0/8; macOS only on 127.0.0.1 unless aliased). */
export function canListenOn(address: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer()
    server.unref()
    server.once('error', () => resolve(false))
    server.listen(0, address, () => server.close(() => resolve(true)))
  })
}

export interface ProxySource {
  address: string
  /** Said once on the console when the fallback is used. */
  notice?: string
}

export async function chooseProxySource(listenable: (address: string) => Promise<boolean> = canListenOn): Promise<ProxySource> {
  if (await listenable(GATEWAY_SOURCE_ADDRESS)) return { address: GATEWAY_SOURCE_ADDRESS }
  return {
    address: FALLBACK_ADDRESS,
    notice:
      `${GATEWAY_SOURCE_ADDRESS} is not an address of this machine, so the services believe X-Forwarded-For from any program on ${FALLBACK_ADDRESS}; ` +
      `add the alias (macOS: sudo ifconfig lo0 alias ${GATEWAY_SOURCE_ADDRESS}) to keep that to the gateway`,
  }
}
