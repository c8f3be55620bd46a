// The registered apps with their actions: edit under the row; disable, enable and a new secret after asking; a new secret
// shown this once above the list.
import type { OidcClientBody } from '@portcullis/shared/api/oidc-clients'
import { useQuery } from '@tanstack/react-query'
import { useState } from 'react'
import { ConfirmDialog } from '../../../components/ConfirmDialog.tsx'
import { FormError } from '../../../components/FormError.tsx'
import { describeError } from '../../../lib/problem.ts'
import { oidcClientsQuery, useChangeOidcClient, useNewOidcClientSecret } from '../api/oidc-clients.ts'
import { ClientSecretNotice } from './ClientSecretNotice.tsx'
import { OidcClientForm } from './OidcClientForm.tsx'
import { type OidcClientAction, OidcClientsTable } from './OidcClientsTable.tsx'

type AskedAction = Exclude<OidcClientAction, 'edit'>

const CONFIRMATIONS: Record<AskedAction, (client: OidcClientBody) => { title: string; message: string; confirmLabel: string }> = {
  disable: ({ name }) => ({
    title: `Disable ${name}?`,
    message: `Everyone signed in to ${name} with Portcullis is signed out of it at once, and the app cannot sign anyone in until it is enabled again.`,
    confirmLabel: 'Disable',
  }),
  enable: ({ name }) => ({
    title: `Enable ${name}?`,
    message: `${name} can sign users in with Portcullis again. Those it signed out when it was disabled sign in again.`,
    confirmLabel: 'Enable',
  }),
  'new-secret': ({ name }) => ({
    title: `Give ${name} a new secret?`,
    message: `The current secret stops working at once: ${name} cannot sign anyone in until its configuration has the new one, which is shown only once.`,
    confirmLabel: 'Make a new secret',
  }),
}

type Feedback = { ok: boolean; text: string }

export function OidcClientsSection() {
  const clients = useQuery(oidcClientsQuery())
  const change = useChangeOidcClient()
  const newSecret = useNewOidcClientSecret()
  const [asking, setAsking] = useState<{ action: AskedAction; client: OidcClientBody }>()
  const [editingId, setEditingId] = useState<string>()
  const [feedback, setFeedback] = useState<Feedback>()
  const pendingId = change.isPending ? change.variables.clientId : newSecret.isPending ? newSecret.variables : undefined
  const renewed = newSecret.data

  function act(action: OidcClientAction, client: OidcClientBody): void {
    setFeedback(undefined)
    if (action === 'edit') setEditingId(editingId === client.client_id ? undefined : client.client_id)
    else setAsking({ action, client })
  }

  async function run(action: AskedAction, client: OidcClientBody): Promise<void> {
    setAsking(undefined)
    try {
      if (action === 'new-secret') {
        await newSecret.mutateAsync(client.client_id)
        return
      }
      await change.mutateAsync({ clientId: client.client_id, change: { disabled: action === 'disable' } })
      setFeedback({ ok: true, text: action === 'disable' ? `${client.name} is disabled and everyone is signed out of it.` : `${client.name} is enabled.` })
    } catch (error) {
      setFeedback({ ok: false, text: describeError(error) })
    }
  }

  const confirmation = asking && CONFIRMATIONS[asking.action](asking.client)

  return (
    <section className="card" aria-labelledby="apps-title">
      <h2 id="apps-title">Registered apps</h2>
      <div className="admin-feedback">
        <FormError message={feedback && !feedback.ok ? feedback.text : undefined} />
        <p role="status" className="success">
          {feedback?.ok ? feedback.text : ''}
        </p>
      </div>
      {renewed && (
        <ClientSecretNotice
          title={`A new secret for ${renewed.client.name}`}
          clientId={renewed.client.client_id}
          secret={renewed.client_secret}
          // Forgets the answer, and with it the secret.
          onDone={() => newSecret.reset()}
        />
      )}
      {clients.isPending && (
        <p className="loading" role="status">
          Loading apps…
        </p>
      )}
      {clients.isError && (
        <div className="form-error" role="alert">
          {describeError(clients.error)}{' '}
          <button type="button" onClick={() => void clients.refetch()}>
            Try again
          </button>
        </div>
      )}
      {clients.data && (
        <OidcClientsTable
          clients={clients.data.clients}
          pendingId={pendingId}
          onAction={act}
          editingId={editingId}
          editForm={(client) => (
            <section aria-labelledby={`edit-app-title-${client.client_id}`}>
              <h3 id={`edit-app-title-${client.client_id}`}>Edit {client.name}</h3>
              <OidcClientForm
                client={client}
                labelledBy={`edit-app-title-${client.client_id}`}
                submitLabel="Save changes"
                pendingLabel="Saving…"
                pending={change.isPending}
                onCancel={() => setEditingId(undefined)}
                onSave={async (values) => {
                  const saved = await change.mutateAsync({
                    clientId: client.client_id,
                    change: { name: values.name, redirect_uris: values.redirect_uris, first_party: values.first_party },
                  })
                  setEditingId(undefined)
                  setFeedback({ ok: true, text: `${saved.name} is saved.` })
                }}
              />
            </section>
          )}
        />
      )}
      <ConfirmDialog
        open={confirmation !== undefined}
        title={confirmation?.title ?? ''}
        message={confirmation?.message ?? ''}
        confirmLabel={confirmation?.confirmLabel ?? ''}
        onConfirm={() => asking && void run(asking.action, asking.client)}
        onCancel={() => setAsking(undefined)}
      />
    </section>
  )
}
