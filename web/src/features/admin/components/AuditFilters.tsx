// The audit log's filters: event type, user id, and a range of days.
import { DebouncedField } from './DebouncedField.tsx'
import { AUDIT_EVENT_TYPES, eventTypeLabel } from './audit-event-types.ts'
import { SelectField } from './SelectField.tsx'

export type AuditFilterName = 'type' | 'user_id' | 'since' | 'until'

/** What the API accepts as user_id. */
export const USER_ID = /^[A-Za-z0-9-]{1,64}$/

export interface AuditFiltersProps {
  filters: Record<AuditFilterName, string>
  onChange: (patch: Partial<Record<AuditFilterName, string>>, options?: { replace?: boolean }) => void
}

export function AuditFilters({ filters, onChange }: AuditFiltersProps) {
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
      <DebouncedField
        label="User id"
        name="user_id"
        autoComplete="off"
        spellCheck={false}
        maxLength={64}
        value={filters.user_id}
        validate={(value) => (USER_ID.test(value) ? undefined : 'A user id has only letters, digits and dashes')}
        onCommit={(userId) => onChange({ user_id: userId }, { replace: true })}
      />
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
