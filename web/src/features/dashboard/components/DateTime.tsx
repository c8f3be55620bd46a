// A moment from the API in the reader's locale, with the exact ISO time kept in the markup.
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' })
const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'long' })

function formatDateTime(iso: string, dateOnly = false): string {
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return iso
  return (dateOnly ? dateFormat : dateTimeFormat).format(date)
}

export function DateTime({ iso, dateOnly = false }: { iso: string; dateOnly?: boolean }) {
  return <time dateTime={iso}>{formatDateTime(iso, dateOnly)}</time>
}
