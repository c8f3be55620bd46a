// The apps that sign in with Portcullis: each with its client id, whether it is public or confidential and first-party,
// its redirect URIs and whether it is enabled, and its actions; under a row, its edit form when opened.
import type { OidcClientBody } from '@portcullis/shared/api/oidc-clients'
import { Fragment, type ReactNode } from 'react'

export type OidcClientAction = 'edit' | 'disable' | 'enable' | 'new-secret'
const COLUMNS = 7

/** A row button whose accessible name also names the app, e.g. "Disable (Wiki)": every row has the same buttons. */
function RowButton({
  label,
  client,
  disabled,
  onClick,
  expanded,
}: {
  label: string
  client: OidcClientBody
  disabled: boolean
  onClick: () => void
  expanded?: boolean
}) {
  return (
    <button type="button" disabled={disabled} onClick={onClick} aria-expanded={expanded} aria-controls={expanded ? editId(client) : undefined}>
      {label} <span className="visually-hidden">({client.name})</span>
    </button>
  )
}

export function editId(client: OidcClientBody): string {
  return `edit-app-${client.client_id}`
}

export interface OidcClientsTableProps {
  clients: OidcClientBody[]
  /** The app whose change is on its way, whose buttons wait for it. */
  pendingId: string | undefined
  onAction: (action: OidcClientAction, client: OidcClientBody) => void
  /** The app whose edit form is open under its row, and the form. */
  editingId: string | undefined
  editForm: (client: OidcClientBody) => ReactNode
}

export function OidcClientsTable({ clients, pendingId, onAction, editingId, editForm }: OidcClientsTableProps) {
  return (
    <div className="table-wrap">
      <table className="admin-table stacked-table oidc-clients-table">
        <caption className="visually-hidden">Apps</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Client ID</th>
            <th scope="col">Type</th>
            <th scope="col">First-party</th>
            <th scope="col">Redirect URIs</th>
            <th scope="col">Status</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {clients.length === 0 && (
            <tr>
              <td colSpan={COLUMNS}>No apps are registered yet.</td>
            </tr>
          )}
          {clients.map((client) => {
            const waiting = client.client_id === pendingId
            const editing = client.client_id === editingId
            const disabled = client.disabled_at !== null
            return (
              <Fragment key={client.client_id}>
                <tr>
                  <th scope="row">{client.name}</th>
                  <td data-label="Client ID">
                    <code className="id">{client.client_id}</code>
                  </td>
                  <td data-label="Type">{client.public ? 'public' : 'confidential'}</td>
                  <td data-label="First-party">{client.first_party ? 'yes' : 'no'}</td>
                  <td data-label="Redirect URIs">
                    <ul className="redirect-uri-list">
                      {client.redirect_uris.map((uri) => (
                        <li key={uri}>
                          <code className="id">{uri}</code>
                        </li>
                      ))}
                    </ul>
                  </td>
                  <td data-label="Status">
                    <span className={disabled ? 'badge disabled' : 'badge'}>{disabled ? 'disabled' : 'enabled'}</span>
                  </td>
                  <td data-label="Actions">
                    <div className="actions">
                      <RowButton label="Edit" client={client} disabled={waiting} expanded={editing} onClick={() => onAction('edit', client)} />
                      {disabled ? (
                        <RowButton label="Enable" client={client} disabled={waiting} onClick={() => onAction('enable', client)} />
                      ) : (
                        <RowButton label="Disable" client={client} disabled={waiting} onClick={() => onAction('disable', client)} />
                      )}
                      {!client.public && <RowButton label="New secret" client={client} disabled={waiting} onClick={() => onAction('new-secret', client)} />}
                    </div>
                  </td>
                </tr>
                {editing && (
                  <tr className="user-detail-row">
                    <td colSpan={COLUMNS} id={editId(client)}>
                      {editForm(client)}
                    </td>
                  </tr>
                )}
              </Fragment>
            )
          })}
        </tbody>
      </table>
    </div>
  )
}
