// Mail the server has not managed to deliver yet (the relay refused it, or could not be reached), oldest first, with
// what went wrong the last time and when it is tried again.
import type { MailFailure } from '@portcullis/shared/api/admin'
import { useQuery } from '@tanstack/react-query'
import { Link } from 'react-router'
import { Time } from '../../../components/Time.tsx'
import { describeError } from '../../../lib/problem.ts'
import { mailFailuresQuery } from '../api/queries.ts'

// The server's mail templates; a kind this list does not know yet is shown in its own words.
const KINDS: Record<string, string> = {
  reset_password: 'Password reset',
  verify_email: 'Email confirmation',
  password_changed: 'Password changed notice',
  email_change_requested: 'Email change notice',
  invite: 'Invitation',
}

function kindName(kind: string): string {
  return KINDS[kind] ?? kind.replaceAll('_', ' ')
}

function MailRow({ mail }: { mail: MailFailure }) {
  return (
    <tr>
      <th scope="row">
        {mail.recipient}
        {mail.user && (
          <Link className="subline" to={`/admin/audit?user_id=${encodeURIComponent(mail.user.id)}`} title="Show this user's events">
            {mail.user.username}
          </Link>
        )}
      </th>
      <td data-label="Subject">{mail.subject}</td>
      <td data-label="Kind">{kindName(mail.kind)}</td>
      <td data-label="Attempts">{mail.attempts}</td>
      <td data-label="Last error" className="mail-error">
        {mail.last_error}
      </td>
      <td data-label="Next try">
        <Time iso={mail.next_attempt_at} />
      </td>
    </tr>
  )
}

export function MailFailuresSection() {
  const failures = useQuery(mailFailuresQuery())
  const mails = failures.data?.mails
  return (
    <section className="card" aria-labelledby="mail-failures-title">
      <h2 id="mail-failures-title">Mail not delivered</h2>
      {failures.isPending && (
        <p className="loading" role="status">
          Loading mail…
        </p>
      )}
      {failures.isError && (
        <div className="form-error" role="alert">
          {describeError(failures.error)}{' '}
          <button type="button" onClick={() => void failures.refetch()}>
            Try again
          </button>
        </div>
      )}
      {mails &&
        (mails.length === 0 ? (
          <p>All mail has been delivered.</p>
        ) : (
          <div className="table-wrap">
            <table className="admin-table stacked-table">
              <caption className="visually-hidden">Mail not delivered, oldest first</caption>
              <thead>
                <tr>
                  <th scope="col">Recipient</th>
                  <th scope="col">Subject</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Attempts</th>
                  <th scope="col">Last error</th>
                  <th scope="col">Next try</th>
                </tr>
              </thead>
              <tbody>
                {mails.map((mail) => (
                  <MailRow key={mail.id} mail={mail} />
                ))}
              </tbody>
            </table>
          </div>
        ))}
    </section>
  )
}
