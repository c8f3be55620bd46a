// The login page's `next`: plain paths on this origin pass (normalised as the browser resolves them); everything that
// could take the browser elsewhere, or that a server decoding once more could read as another origin, is refused.
import { describe, expect, it } from 'vitest'
import { MAX_RETURN_PATH_LENGTH, safeReturnPath } from '../src/lib/return-path.ts'

/** What the login page reads: the query string as the browser has it, decoded once by URLSearchParams. */
function fromQuery(query: string): string | undefined {
  return safeReturnPath(new URLSearchParams(query).get('next'))
}

describe('safeReturnPath', () => {
  it.each([
    ['/', '/'],
    ['/hello', '/hello'],
    ['/hello/reports/2025?sort=desc&page=2', '/hello/reports/2025?sort=desc&page=2'],
    ['/echo/a%20b?q=%2Fx%2Fy', '/echo/a%20b?q=%2Fx%2Fy'],
    ['/echo?next=https://elsewhere.example', '/echo?next=https://elsewhere.example'],
    ['/echo#section', '/echo#section'],
    ['/javascript:alert(1)', '/javascript:alert(1)'],
    // Dot segments resolved as the browser would: still this origin.
    ['/hello/../echo/./x', '/echo/x'],
  ])('keeps the same-origin path %s', (raw, path) => {
    expect(safeReturnPath(raw)).toBe(path)
  })

  it.each([
    ['nothing', undefined],
    ['null', null],
    ['empty', ''],
    ['protocol-relative', '//evil.com'],
    ['protocol-relative with a path', '//evil.com/hello'],
    ['three slashes', '///evil.com'],
    ['a backslash second', '/\\evil.com'],
    ['a backslash first', '\\\\evil.com'],
    ['a backslash further on', '/hello\\..\\..\\evil.com'],
    ['an absolute URL', 'https://evil.com'],
    ['an absolute URL on this host', 'http://localhost:8080/hello'],
    ['a scheme with no slashes', 'https:evil.com'],
    ['javascript:', 'javascript:alert(document.cookie)'],
    ['javascript: in capitals, spaced', ' JavaScript:alert(1)'],
    ['data:', 'data:text/html,<script>alert(1)</script>'],
    ['a relative path', 'hello'],
    ['a dotted relative path', '../evil.com'],
    ['a host alone', 'evil.com'],
    ['a leading space', ' /hello'],
    ['a leading tab', '\t/hello'],
    ['a tab between the slashes', '/\t/evil.com'],
    ['a newline between the slashes', '/\n/evil.com'],
    ['a carriage return', '/hello\r\nSet-Cookie: x=1'],
    ['a NUL', '/hello\u0000'],
    ['DEL', '/hello\u007f'],
    ['a space inside', '/hello world'],
    ['a C1 control', '/hello\u0085'],
    ['a line separator', '/hello\u2028'],
    ['a full-width solidus', '/\uff0fevil.com'],
    ['a non-ASCII letter', '/caf\u00e9'],
    ['a dot segment up to two slashes', '/..//evil.com'],
    ['an encoded dot segment up to two slashes', '/%2e%2e//evil.com'],
    ['an encoded second slash', '/%2F%2Fevil.com'],
    ['an encoded second slash in lower case', '/%2fevil.com'],
    ['an encoded backslash second', '/%5Cevil.com'],
    ['an encoded backslash further on', '/hello/%5c..%5cevil.com'],
    ['an encoded slash reached by a dot segment', '/a/%2e%2e/%2fevil.com'],
    ['one character too long', `/${'a'.repeat(MAX_RETURN_PATH_LENGTH)}`],
    ['very long', `/${'a'.repeat(100_000)}`],
  ])('refuses %s', (_name, raw) => {
    expect(safeReturnPath(raw)).toBeUndefined()
  })

  it('takes a value as long as the limit', () => {
    const path = `/${'a'.repeat(MAX_RETURN_PATH_LENGTH - 1)}`
    expect(safeReturnPath(path)).toBe(path)
  })

  it.each([
    // Decoded once by URLSearchParams, these are the hostile values above.
    ['next=%2F%2Fevil.com', undefined],
    ['next=//evil.com', undefined],
    ['next=%2F%5Cevil.com', undefined],
    ['next=/%5Cevil.com', undefined],
    ['next=https%3A%2F%2Fevil.com', undefined],
    ['next=javascript%3Aalert(1)', undefined],
    ['next=%2F%09%2Fevil.com', undefined],
    ['next=%2F%0A%2Fevil.com', undefined],
    ['next=%0D%0A/hello', undefined],
    ['next=/hello+world', undefined],
    // Encoded twice: decoded once they are still encoded, and are refused as such rather than decoded again.
    ['next=/%252F%252Fevil.com', undefined],
    ['next=/%255Cevil.com', undefined],
    ['next=/hello/%255C', undefined],
    ['next=', undefined],
    ['other=/hello', undefined],
    // What the gateway sends: the path and query, encoded as a query value.
    ['next=%2Fhello%2Freports%3Fsort%3Ddesc%26page%3D2', '/hello/reports?sort=desc&page=2'],
    ['next=/echo/a%2520b', '/echo/a%20b'],
  ])('reads ?%s as %s', (query, path) => {
    expect(fromQuery(query)).toBe(path)
  })

  it('takes the first `next` when there are several', () => {
    expect(fromQuery('next=/hello&next=//evil.com')).toBe('/hello')
    expect(fromQuery('next=//evil.com&next=/hello')).toBeUndefined()
  })
})
