// The audit log, newest first: filtered by type, user and days, paged by cursor, all kept in the address; for an admin
// without a second factor (MFA_REQUIRED_FOR_ADMINS), the way to set one up instead.
import type { AuditEventsQuery } from '@portcullis/shared/api/admin'
import { useQuery } from '@tanstack/react-query'
import { Link } from 'react-router'
import { PageHeading } from '../../../components/PageHeading.tsx'
import { describeError } from '../../../lib/problem.ts'
import { isMfaEnrolmentRequired } from '../api/mfa-enrolment.ts'
import { auditEventsQuery } from '../api/queries.ts'
import { AuditFilters, USER_ID } from '../components/AuditFilters.tsx'
import { AuditTable } from '../components/AuditTable.tsx'
import { MfaEnrolmentRequired } from '../components/MfaEnrolmentRequired.tsx'
import { Pager } from '../../../components/Pager.tsx'
import { useListParams } from '../../../components/use-list-params.ts'

export const AUDIT_PAGE_SIZE = 50
const TYPE = /^[a-z0-9_]{1,48}$/
const DAY = /^\d{4}-\d{2}-\d{2}$/

/** The start of a day (YYYY-MM-DD, in the reader's time zone) as an ISO instant, `days` later; undefined for anything else. */
function dayStart(day: string, days = 0): string | undefined {
  if (!DAY.test(day)) return undefined
  const at = new Date(`${day}T00:00:00`)
  at.setDate(at.getDate() + days)
  return Number.isNaN(at.getTime()) ? undefined : at.toISOString()
}

export function AuditPage() {
  const list = useListParams(['type', 'user_id', 'since', 'until'] as const)
  const { type, user_id, since, until } = list.filters
  const query: AuditEventsQuery = {
    limit: AUDIT_PAGE_SIZE,
    type: TYPE.test(type) ? type : undefined,
    user_id: USER_ID.test(user_id) ? user_id : undefined,
    since: dayStart(since),
    // "until" is exclusive at the API; the day picked is included.
    until: dayStart(until, 1),
    cursor: list.cursor,
  }
  const events = useQuery(auditEventsQuery(query))
  const page = events.data
  const userName = page?.events.find((event) => event.user_id === query.user_id)?.user?.name
  const summary = page && list.pagesBefore !== undefined ? `Page ${list.pagesBefore + 1}` : undefined
  if (isMfaEnrolmentRequired(events.error)) return <MfaEnrolmentRequired />

  return (
    <section className="card" aria-labelledby="audit-title">
      <div className="page-head">
        <PageHeading id="audit-title" title={['Audit log', 'Admin']}>
          Audit log
        </PageHeading>
        <Link to="/admin">Back to administration</Link>
      </div>
      <AuditFilters filters={list.filters} onChange={list.setFilters} userName={userName} />
      {events.isPending && (
        <p className="loading" role="status">
          Loading events…
        </p>
      )}
      {events.isError && (
        <div className="form-error" role="alert">
          {describeError(events.error)}{' '}
          {list.cursor ? (
            <button type="button" onClick={list.firstPage}>
              Back to the first page
            </button>
          ) : (
            <button type="button" onClick={() => void events.refetch()}>
              Try again
            </button>
          )}
        </div>
      )}
      {page && (
        <>
          <AuditTable caption="Audit events, newest first" events={page.events} busy={events.isPlaceholderData} />
          <Pager
            label="Audit log pages"
            summary={summary}
            hasPrevious={list.cursor !== undefined}
            hasNext={Boolean(page.next_cursor)}
            busy={events.isPlaceholderData}
            onPrevious={list.previousPage}
            onNext={() => page.next_cursor && list.nextPage(page.next_cursor)}
          />
        </>
      )}
    </section>
  )
}
