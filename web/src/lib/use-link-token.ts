// The token of a link from one of our mails (/reset-password?token=…): read once into the page's memory and taken out of
// the address at once, before the page sends any request, so that it is not left in the history, on screen or in a Referer.
import { LinkToken } from '@portcullis/shared/api/auth'
import { useLayoutEffect, useState } from 'react'
import { useLocation, useNavigate } from 'react-router'

// The shape the API's schema gives a link token, so that a mangled link is told apart without asking the server.
function schemaValue<T>(key: string, kind: 'string' | 'number', fallback: T): T {
  const value: unknown = Reflect.get(LinkToken, key)
  return typeof value === kind ? (value as T) : fallback
}

const pattern = new RegExp(schemaValue('pattern', 'string', '^[A-Za-z0-9_-]+$'))
const minLength = schemaValue('minLength', 'number', 20)
const maxLength = schemaValue('maxLength', 'number', 128)

/** The token in an address's search, when it has the shape of one of ours; anything else is no token at all. */
export function linkTokenOf(search: string): string | undefined {
  const token = new URLSearchParams(search).get('token')
  if (token === null || token.length < minLength || token.length > maxLength || !pattern.test(token)) return undefined
  return token
}

/** The page's link token (undefined when the address had none, or not one of ours); the address loses it on the first render. */
export function useLinkToken(): string | undefined {
  const location = useLocation()
  const navigate = useNavigate()
  // Read on the first render only: once the address has lost it, this state is the one copy.
  const [token] = useState(() => linkTokenOf(location.search))
  const params = new URLSearchParams(location.search)
  const inAddress = params.has('token')

  // A layout effect runs before the effects that send requests (the session's refresh, the queries) and before paint.
  useLayoutEffect(() => {
    if (!inAddress) return
    params.delete('token')
    const search = params.toString()
    navigate({ pathname: location.pathname, search: search ? `?${search}` : '', hash: location.hash }, { replace: true, state: location.state })
  })
  return token
}
