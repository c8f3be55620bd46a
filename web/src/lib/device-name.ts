// A readable name for the device behind a session or an event ("Firefox on Linux"), guessed from its user agent.
import type { AccountSession } from '@portcullis/shared/api/user'

/** A session has a mode (a token session without a user agent is an API client); an event has only the user agent. */
export interface DeviceSource {
  user_agent: string | null
  mode?: AccountSession['mode']
}

// Order matters: Edge and Opera also claim Chrome, Chrome also claims Safari.
const BROWSERS: Array<[RegExp, string]> = [
  [/\bEdg(e|A|iOS)?\//, 'Edge'],
  [/\bOPR\/|\bOpera\b/, 'Opera'],
  [/\bSamsungBrowser\//, 'Samsung Internet'],
  [/\bFirefox\/|\bFxiOS\//, 'Firefox'],
  [/\bChrom(e|ium)\/|\bCriOS\//, 'Chrome'],
  [/\bVersion\/[\d.]+.*\bSafari\//, 'Safari'],
]

// Order matters: iOS says "like Mac OS X", Android and ChromeOS say Linux.
const SYSTEMS: Array<[RegExp, string]> = [
  [/\bWindows\b/, 'Windows'],
  [/\biPhone|\biPad|\biPod/, 'iOS'],
  [/\bAndroid\b/, 'Android'],
  [/\bCrOS\b/, 'ChromeOS'],
  [/\bMac OS X\b|\bMacintosh\b/, 'macOS'],
  [/\bLinux\b/, 'Linux'],
]

export function deviceName(source: DeviceSource): string {
  const agent = source.user_agent?.trim()
  if (!agent) return source.mode === 'token' ? 'API client' : 'Unknown device'
  const browser = BROWSERS.find(([pattern]) => pattern.test(agent))?.[1]
  const system = SYSTEMS.find(([pattern]) => pattern.test(agent))?.[1]
  if (browser && system) return `${browser} on ${system}`
  if (browser) return browser
  if (system) return `Browser on ${system}`
  // Scripts and API clients put their own name first: "curl/8.5.0", "python-requests/2.32".
  const product = /^[\w.-]+/.exec(agent)?.[0]
  return product && product !== 'Mozilla' ? product : 'Unknown device'
}
