// The loopback addresses the stack's proxies connect from, each the one address the next hop believes X-Forwarded-For from:
// the gateway reaches the services from 127.0.0.2, and start:tls's Nginx reaches the gateway from 127.0.0.3. A program on
// this machine talking straight to a service or to the gateway from 127.0.0.1 then cannot choose the client address that
// is recorded and throttled on.
import { createServer } from 'node:net'

export const GATEWAY_SOURCE_ADDRESS = '127.0.0.2'
export const NGINX_SOURCE_ADDRESS = '127.0.0.3'
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

export interface ProxySourceOptions {
  /** The address wanted; the gateway's by default. */
  address?: string
  /** Who believes the proxy's X-Forwarded-For, for the notice. */
  believer?: string
  listenable?: (address: string) => Promise<boolean>
}

/** The wanted address when this machine has it, else 127.0.0.1 with a notice saying what that costs. */
export async function chooseProxySource(options: ProxySourceOptions = {}): Promise<ProxySource> {
  const address = options.address ?? GATEWAY_SOURCE_ADDRESS
  if (await (options.listenable ?? canListenOn)(address)) return { address }
  return {
    address: FALLBACK_ADDRESS,
    notice:
      `${address} is not an address of this machine, so ${options.believer ?? 'the services'} believe X-Forwarded-For from any program on ${FALLBACK_ADDRESS}; ` +
      `add the alias (macOS: sudo ifconfig lo0 alias ${address}) to keep that to the proxy in front`,
  }
}
