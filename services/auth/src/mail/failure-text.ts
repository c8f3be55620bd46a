// The last_error of a mail that could not be delivered: what went wrong, on one line of at most 500 characters (the
// column's size), with every secret it might quote (the relay's password) blanked out.
const LONGEST = 500

function codeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined
  const code = (error as { code?: unknown }).code
  return typeof code === 'string' ? code : undefined
}

export function failureText(error: unknown, secrets: readonly string[] = []): string {
  const message = error instanceof Error ? error.message : String(error)
  const code = codeOf(error)
  let text = code !== undefined && !message.startsWith(code) ? `${code}: ${message}` : message
  for (const secret of secrets) if (secret !== '') text = text.split(secret).join('***')
  text = text.replace(/\s+/g, ' ').trim() || 'unknown error'
  return text.length > LONGEST ? `${text.slice(0, LONGEST - 1)}…` : text
}
