// Hostile input for the fuzz suite: strings, values, JSON texts, bodies, query strings, path parameters and headers.
import fc from 'fast-check'

/** A placeholder the fuzz run fills in when it sends the request (a live token, a real id): values are generated ahead of time. */
export const ref = (name: string) => fc.constant(`<<${name}>>`)

/** encodeURIComponent, with lone surrogates (which it refuses) replaced first. */
export function encode(text: string): string {
  return encodeURIComponent(text.toWellFormed())
}

const PLACEHOLDER = /<<(\w+)>>|%3C%3C(\w+)%3E%3E/g

/** Puts the live values in for the placeholders, each escaped by `escapeFor` for where it lands. */
export function fillIn(text: string, values: Record<string, string>, escapeFor: (value: string) => string): string {
  return text.replace(PLACEHOLDER, (all, plain: string | undefined, encoded: string | undefined) => {
    const value = values[plain ?? encoded ?? '']
    return value === undefined ? all : escapeFor(value)
  })
}

const SQL_INJECTION = [
  "' OR '1'='1",
  "' OR 1=1 --",
  "admin'--",
  "'; DROP TABLE users; --",
  '" OR ""="',
  "1; SELECT * FROM users WHERE '1'='1",
  "' UNION SELECT password_hash, username FROM users --",
  "1' AND SLEEP(5)--",
  "'; UPDATE users SET role='admin' WHERE '1'='1",
  '%27%20OR%201%3D1',
  '\\',
  "\\'",
  '`users`',
  "x' COLLATE utf8mb4_bin --",
  '0x61646d696e',
]

const JSON_AND_TEMPLATE_INJECTION = [
  '{"$ne": null}',
  '{"$gt": ""}',
  '"},"role":"admin","x":{"',
  '\\u0000',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection probe, sent as plain text
  '${7*7}',
  '{{7*7}}',
  '<script>alert(1)</script>',
  '../../../../etc/passwd',
  '..%2f..%2fetc%2fpasswd',
  'file:///etc/passwd',
  'http://169.254.169.254/',
  '%s%s%s%n',
  '\r\nX-Injected: 1',
  'NaN',
  'Infinity',
  '-0',
  '1e309',
  'null',
  'true',
]

const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__', 'isAdmin', 'role']

const ODD_UNICODE = [
  '\u0000',
  'a\u0000b',
  '\u202e',
  '\u200b',
  '\ufeff',
  '\ud800',
  '\udfff',
  '\u{1f600}',
  'e\u0301',
  'ß',
  'İ',
  'ﬀ',
  '\u2028',
  'Ａｄｍｉｎ',
  'аdmin',
]

/** Strings from harmless to hostile: any unicode, NUL, injection texts, prototype keys, huge ones. */
export const nastyString: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.string({ maxLength: 40 }), weight: 3 },
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }), weight: 2 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 40 }), weight: 2 },
  { arbitrary: fc.constantFrom(...SQL_INJECTION), weight: 2 },
  { arbitrary: fc.constantFrom(...JSON_AND_TEMPLATE_INJECTION), weight: 2 },
  { arbitrary: fc.constantFrom(...PROTOTYPE_KEYS), weight: 1 },
  { arbitrary: fc.constantFrom(...ODD_UNICODE), weight: 1 },
  { arbitrary: fc.tuple(fc.constantFrom(...ODD_UNICODE), fc.string({ maxLength: 10 })).map(([odd, s]) => `${s}${odd}${s}`), weight: 1 },
  { arbitrary: fc.tuple(fc.constantFrom('a', 'é', '\u{1f600}', "'", '\u0000'), fc.integer({ min: 255, max: 6000 })).map(([c, n]) => c.repeat(n)), weight: 1 },
)

/** Any JSON-ish value, of any type, possibly nested and with hostile keys. */
export const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: nastyString, weight: 4 },
  { arbitrary: fc.oneof(fc.integer(), fc.double(), fc.constantFrom(0, -1, 2 ** 53, -(2 ** 63), 1e308, 0.5)), weight: 2 },
  { arbitrary: fc.boolean(), weight: 1 },
  { arbitrary: fc.constant(null), weight: 1 },
  { arbitrary: fc.array(nastyString, { maxLength: 4 }), weight: 1 },
  { arbitrary: fc.dictionary(fc.oneof(nastyString, fc.constantFrom(...PROTOTYPE_KEYS)), nastyString, { maxKeys: 4 }), weight: 1 },
  { arbitrary: fc.jsonValue({ maxDepth: 4 }), weight: 1 },
)

/** A field that is sometimes right, sometimes the right type with a hostile value, sometimes any type at all. */
export function field(valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.oneof({ arbitrary: valid, weight: 3 }, { arbitrary: nastyString, weight: 2 }, { arbitrary: anyValue, weight: 1 })
}

/** An object body: a valid one, the route's fields (each maybe missing, maybe wrong), sometimes with extra and prototype-polluting keys. */
export function objectBody(fields: Record<string, fc.Arbitrary<unknown>>, valid: fc.Arbitrary<unknown> = fc.record(fields)): fc.Arbitrary<unknown> {
  const known = fc.record(Object.fromEntries(Object.entries(fields).map(([name, valid]) => [name, field(valid)])), { requiredKeys: [] })
  const extra = fc.dictionary(fc.oneof(fc.constantFrom(...PROTOTYPE_KEYS), nastyString), anyValue, { maxKeys: 3 })
  return fc.oneof(
    { arbitrary: valid, weight: 3 },
    { arbitrary: known, weight: 5 },
    { arbitrary: fc.tuple(known, extra).map(([a, b]) => ({ ...a, ...b })), weight: 2 },
    { arbitrary: anyValue, weight: 2 },
  )
}

export interface Payload {
  /** The body text, or none. */
  text: string | undefined
  contentType: string | undefined
}

const CONTENT_TYPES = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=----x',
  'application/xml',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'application/JSON',
  'application/json;;;',
  'application/problem+json',
  'application/octet-stream',
  'application/json, text/plain',
  '*/*',
  'json',
  '',
]

function polluted(value: unknown): string {
  const inner = value !== null && typeof value === 'object' && !Array.isArray(value) ? JSON.stringify(value).slice(1, -1) : ''
  const pollution = '"__proto__":{"role":"admin","isAdmin":true,"polluted":1},"constructor":{"prototype":{"polluted":1}}'
  return `{${pollution}${inner ? `,${inner}` : ''}}`
}

function nested(depth: number, kind: 'array' | 'object'): string {
  return kind === 'array' ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`
}

/** Turns a body value into what goes on the wire: JSON, JSON under another content type, polluted, broken or huge text. */
export function payload(body: fc.Arbitrary<unknown>): fc.Arbitrary<Payload> {
  const json = 'application/json'
  return fc.oneof(
    { arbitrary: body.map((value) => ({ text: JSON.stringify(value) ?? 'null', contentType: json })), weight: 8 },
    {
      arbitrary: fc.tuple(body, fc.constantFrom(...CONTENT_TYPES)).map(([value, contentType]) => ({ text: JSON.stringify(value) ?? 'null', contentType })),
      weight: 2,
    },
    { arbitrary: body.map((value) => ({ text: JSON.stringify(value) ?? 'null', contentType: undefined })), weight: 1 },
    { arbitrary: body.map((value) => ({ text: polluted(value), contentType: json })), weight: 2 },
    {
      arbitrary: fc
        .oneof(
          fc.string({ maxLength: 60 }),
          fc.constantFrom(
            '{',
            '{"username":',
            "{'a':1}",
            '{"a":1}garbage',
            '[1,2',
            'NaN',
            'undefined',
            '\ufeff{}',
            '{"a":1,}',
            '{"a":"\\x00"}',
            '{"a":"\\ud800"}',
            '""',
            '0',
          ),
        )
        .map((text) => ({ text, contentType: json })),
      weight: 2,
    },
    {
      arbitrary: fc
        .tuple(fc.integer({ min: 10, max: 3000 }), fc.constantFrom('array' as const, 'object' as const))
        .map(([depth, kind]) => ({ text: nested(depth, kind), contentType: json })),
      weight: 1,
    },
    { arbitrary: fc.integer({ min: 17_000, max: 200_000 }).map((n) => ({ text: `{"username":"${'a'.repeat(n)}"}`, contentType: json })), weight: 1 },
    { arbitrary: fc.constant({ text: '', contentType: json }), weight: 1 },
    { arbitrary: fc.constant({ text: undefined, contentType: undefined }), weight: 1 },
  )
}

/** A query string: the route's parameters with right and wrong values, repeats, unknown and prototype keys, bad encoding. */
export function queryString(params: Record<string, fc.Arbitrary<string>>): fc.Arbitrary<string> {
  const names = Object.keys(params)
  const value = (name: string) => fc.oneof({ arbitrary: params[name] ?? nastyString, weight: 3 }, { arbitrary: nastyString, weight: 2 })
  const pair = fc.oneof(
    { arbitrary: names.length > 0 ? fc.constantFrom(...names).chain((name) => value(name).map((v) => `${name}=${encode(v)}`)) : fc.constant(''), weight: 6 },
    { arbitrary: fc.tuple(nastyString, nastyString).map(([k, v]) => `${encode(k)}=${encode(v)}`), weight: 1 },
    {
      arbitrary: fc.constantFrom(
        '__proto__[role]=admin',
        'constructor[prototype][role]=admin',
        '__proto__=x',
        'a[b][c][d]=1',
        'limit[]=1',
        '%ZZ=%ZZ',
        'q=%00',
        'q=%',
        '=',
        '&&&',
        'limit=1&limit=2',
      ),
      weight: 1,
    },
  )
  return fc.array(pair, { maxLength: 5 }).map((pairs) => {
    const text = pairs.filter(Boolean).join('&')
    return text ? `?${text}` : ''
  })
}

/** A path parameter: a real id, an id-shaped one, or hostile text, percent-encoded or raw. */
export function pathParam(real: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.oneof(
    { arbitrary: real, weight: 3 },
    { arbitrary: fc.uuid().map((id) => id), weight: 2 },
    { arbitrary: nastyString.map(encode), weight: 4 },
    { arbitrary: fc.constantFrom('..', '%2e%2e', '.', '%2F', 'a%2Fb', '%00', '%ZZ', '%', '%C0%AF', 'x'.repeat(300), '-', '0', 'null', 'undefined'), weight: 2 },
  )
}

/** A header value fetch can send (no CR, LF or NUL), from printable ASCII and Latin-1, sometimes long. */
export const headerString: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 60 }), weight: 6 },
  { arbitrary: fc.string({ unit: fc.integer({ min: 0xa0, max: 0xff }).map((c) => String.fromCharCode(c)), maxLength: 20 }), weight: 3 },
  { arbitrary: fc.constantFrom(...SQL_INJECTION.filter((s) => /^[\x20-\x7e]+$/.test(s))), weight: 3 },
  { arbitrary: fc.integer({ min: 200, max: 4000 }).map((n) => 'A'.repeat(n)), weight: 1 },
)

/** Sometimes a header long enough to pass Node's 16 KiB limit on its own. */
export const hugeHeader: fc.Arbitrary<string | undefined> = fc.oneof(
  { arbitrary: fc.constant(undefined), weight: 15 },
  { arbitrary: fc.integer({ min: 4000, max: 40_000 }).map((n) => 'A'.repeat(n)), weight: 1 },
)
