// The client a throttle counts: one IPv4 address (an IPv4-mapped IPv6 address is that IPv4 address), or one IPv6 /64, the
// block a single host or home is usually given, so that rotating through its addresses does not buy fresh attempts.
import { isIPv4, isIPv6 } from 'node:net'

function expandIPv6(address: string): string[] | undefined {
  const [head = '', tail, ...rest] = address.split('::')
  if (rest.length > 0) return undefined
  const left = head === '' ? [] : head.split(':')
  const right = tail === undefined || tail === '' ? [] : tail.split(':')
  const missing = 8 - left.length - right.length
  if (tail === undefined ? missing !== 0 : missing < 0) return undefined
  return [...left, ...Array.from({ length: missing }, () => '0'), ...right].map((group) => group.toLowerCase().replace(/^0+(?=.)/, ''))
}

export function clientNetwork(ip: string): string {
  const address = ip.replace(/%.*$/, '')
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)
  if (mapped?.[1] && isIPv4(mapped[1])) return mapped[1]
  if (isIPv4(address) || !isIPv6(address) || address === '::1') return address
  const groups = expandIPv6(address)
  return groups ? `${groups.slice(0, 4).join(':')}::/64` : address
}
