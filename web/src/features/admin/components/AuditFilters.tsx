// The audit log's filters: event type, a user picked by name, and a range of days.
import { DebouncedField } from '../../../components/DebouncedField.tsx'
import { AUDIT_EVENT_TYPES, eventTypeLabel } from './audit-event-types.ts'
import { SelectField } from '../../../components/SelectField.tsx'
import { UserPicker } from './UserPicker.tsx'

export type AuditFilterName = 'type' | 'user_id' | 'since' | 'until'

/** What the API accepts as user_id. */
export const USER_ID = /^[A-Za-z0-9-]{1,64}$/

export interface AuditFiltersProps {
  filters: Record<AuditFilterName, string>
  onChange: (patch: Partial<Record<AuditFilterName, string>>, options?: { replace?: boolean }) => void
  /** The filtered user's username, when the events shown name it. */
  userName: string | undefined
}

export function AuditFilters({ filters, onChange, userName }: AuditFiltersProps) {
  const known: readonly string[] = AUDIT_EVENT_TYPES
  // A type from a link that this list does not know yet still shows as selected.
  const types = filters.type && !known.includes(filters.type) ? [...known, filters.type] : known
  return (
    <search className="toolbar" aria-label="Filter events">
      <SelectField
        label="Event type"
        name="type"
        value={filters.type}
        options={[{ value: '', label: 'All types' }, ...types.map((type) => ({ value: type, label: eventTypeLabel(type) }))]}
        onChange={(event) => onChange({ type: event.target.value })}
      />
      <UserPicker userId={USER_ID.test(filters.user_id) ? filters.user_id : ''} knownName={userName} onChange={(userId) => onChange({ user_id: userId })} />
      <DebouncedField
        label="Since"
        hint="From the start of this day"
        type="date"
        name="since"
        value={filters.since}
        onCommit={(since) => onChange({ since })}
      />
      <DebouncedField label="Until" hint="To the end of this day" type="date" name="until" value={filters.until} onCommit={(until) => onChange({ until })} />
    </search>
  )
}
