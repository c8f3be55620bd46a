// Who an event is about or who did it, as a person reads it: a username, a service client's name marked as a service,
// or the command line.
import type { EventParty as Party } from '@portcullis/shared/api/common'

export function EventParty({ party }: { party: Party }) {
  if (party.kind === 'service')
    return (
      <>
        {party.name} <span className="badge">service</span>
      </>
    )
  if (party.kind === 'system') return <span className="muted">{party.name}</span>
  return <>{party.name}</>
}
