// The ports the stack listens on: refused at once when one it must have is taken, and free ones chosen for the rest.
import { createServer, type Server } from 'node:net'
import { StartRefused } from './start-refused.ts'

export interface PortClaim {
  /** The setting that chose it, named in the message: PORT, MANAGEMENT_PORT, HTTPS_PORT… */
  setting: string
  host: string
  port: number
}

function listen(host: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.unref()
    server.once('error', reject)
    server.listen({ host, port, exclusive: true }, () => resolve(server))
  })
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()))
}

function refusal(claim: PortClaim, code: unknown): StartRefused | undefined {
  const { setting, host, port } = claim
  if (code === 'EADDRINUSE') {
    return new StartRefused(
      `${setting} ${port} on ${host} is already in use, by another Portcullis stack or another program: stop that one, or choose another ${setting}`,
    )
  }
  if (code === 'EACCES') return new StartRefused(`${setting} ${port} on ${host} needs more privileges than this user has: choose a port above 1023`)
  if (code === 'EADDRNOTAVAIL') return new StartRefused(`${host} is not an address of this machine (${setting} ${port}): choose another HOST`)
  return undefined
}

/** Resolves when every claimed port can be listened on now; rejects with a StartRefused naming the first that cannot. */
export async function assertPortsFree(claims: readonly PortClaim[]): Promise<void> {
  for (const claim of claims) {
    try {
      await close(await listen(claim.host, claim.port))
    } catch (error) {
      throw refusal(claim, (error as { code?: unknown }).code) ?? error
    }
  }
}

function portOf(server: Server): number {
  const address = server.address()
  return typeof address === 'object' && address ? address.port : 0
}

/**
 * `count` different ports on 127.0.0.1 that nothing listens on, none of them in `exclude` (the ports the stack was told to
 * use, free now but about to be taken): each is held until all are chosen, so none repeats.
 */
export async function freePorts(count: number, exclude: readonly number[] = []): Promise<number[]> {
  const held: Server[] = []
  const chosen: number[] = []
  try {
    while (chosen.length < count) {
      const server = await listen('127.0.0.1', 0)
      held.push(server)
      if (!exclude.includes(portOf(server))) chosen.push(portOf(server))
    }
    return chosen
  } finally {
    await Promise.all(held.map(close))
  }
}
