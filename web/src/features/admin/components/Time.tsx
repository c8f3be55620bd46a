// A moment from the API in the reader's locale and time zone, machine-readable in dateTime.
const format = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' })

export function Time({ iso }: { iso: string }) {
  const at = new Date(iso)
  return <time dateTime={iso}>{Number.isNaN(at.getTime()) ? iso : format.format(at)}</time>
}
