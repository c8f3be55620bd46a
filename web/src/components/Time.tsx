// A moment from the API in the reader's locale and time zone (or only its day), the exact ISO time kept in dateTime.
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' })
const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'long' })

export function Time({ iso, dateOnly = false }: { iso: string; dateOnly?: boolean }) {
  const at = new Date(iso)
  return <time dateTime={iso}>{Number.isNaN(at.getTime()) ? iso : (dateOnly ? dateFormat : dateTimeFormat).format(at)}</time>
}
