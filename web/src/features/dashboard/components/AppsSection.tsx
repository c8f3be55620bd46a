// The apps the user signed in to with Portcullis: what each may see, when it was last used, and removing its access behind a
// confirmation (the app is signed out, and must ask again).
import type { UserApp } from '@portcullis/shared/api/oidc'
import { useQuery } from '@tanstack/react-query'
import { useRef, useState } from 'react'
import { ConfirmDialog } from '../../../components/ConfirmDialog.tsx'
import { FormError } from '../../../components/FormError.tsx'
import { QueryPending } from '../../../components/QueryPending.tsx'
import { ScopeList } from '../../../components/ScopeList.tsx'
import { Time } from '../../../components/Time.tsx'
import { describeError } from '../../../lib/problem.ts'
import { useRemoveAppAccess, userAppsQuery } from '../api/apps.ts'

function LastUsed({ app }: { app: UserApp }) {
  if (app.last_used_at)
    return (
      <>
        Last used <Time iso={app.last_used_at} />
      </>
    )
  if (app.consented_at)
    return (
      <>
        Not signed in now; allowed <Time iso={app.consented_at} />
      </>
    )
  return <>Not used yet</>
}

export function AppsSection() {
  const { data: apps, error, isError, refetch } = useQuery(userAppsQuery())
  const remove = useRemoveAppAccess()
  const heading = useRef<HTMLHeadingElement>(null)
  const [asking, setAsking] = useState<UserApp>()

  function confirmRemove() {
    const app = asking
    setAsking(undefined)
    if (!app) return
    // The app (and the focused button) leaves the list; the heading keeps the keyboard user's place.
    remove.mutate(app, { onSuccess: () => heading.current?.focus() })
  }

  function list() {
    if (!apps) return <QueryPending error={isError ? error : undefined} onRetry={() => void refetch()} />
    if (apps.length === 0) return <p>No apps use your Portcullis account.</p>
    return (
      <ul className="app-list" aria-labelledby="apps-title">
        {apps.map((app) => (
          <li key={app.client_id} className="user-app">
            <div>
              <strong className="user-app-name">{app.name}</strong>
              {app.scopes.length > 0 ? (
                <>
                  <p>It may see:</p>
                  <ScopeList scopes={app.scopes} label={`What ${app.name} may see`} />
                </>
              ) : (
                <p>Trusted by your organisation: it does not ask for permission.</p>
              )}
              <p className="muted">
                <LastUsed app={app} />
              </p>
            </div>
            <button type="button" className="danger" disabled={remove.isPending} onClick={() => setAsking(app)}>
              {remove.isPending && remove.variables?.client_id === app.client_id ? 'Removing…' : 'Remove access'}
              <span className="visually-hidden">{`: ${app.name}`}</span>
            </button>
          </li>
        ))}
      </ul>
    )
  }

  return (
    <section className="card" aria-labelledby="apps-title">
      <h2 id="apps-title" ref={heading} tabIndex={-1}>
        Apps signed in with Portcullis
      </h2>
      <p className="success live-status" role="status">
        {remove.isSuccess ? `${remove.variables.name} no longer has access to your account.` : ''}
      </p>
      <FormError message={remove.isError ? describeError(remove.error) : undefined} />
      {list()}
      <ConfirmDialog
        open={asking !== undefined}
        title={`Remove access for ${asking?.name ?? 'this app'}?`}
        message={`${asking?.name ?? 'The app'} will be signed out and will have to ask again.`}
        confirmLabel="Remove access"
        onConfirm={confirmRemove}
        onCancel={() => setAsking(undefined)}
      />
    </section>
  )
}
