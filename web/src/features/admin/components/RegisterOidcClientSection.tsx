// Registering an app: the form, then the new app's client id and (for a confidential app) its secret, shown this once.
import { useCreateOidcClient } from '../api/oidc-clients.ts'
import { ClientSecretNotice } from './ClientSecretNotice.tsx'
import { OidcClientForm } from './OidcClientForm.tsx'

export function RegisterOidcClientSection() {
  const create = useCreateOidcClient()
  const created = create.data

  return (
    <section className="card" aria-labelledby="register-app-title">
      <h2 id="register-app-title">Register an app</h2>
      {created ? (
        <ClientSecretNotice
          title={`${created.client.name} is registered`}
          clientId={created.client.client_id}
          secret={created.client_secret}
          // Forgets the answer, and with it the secret.
          onDone={() => create.reset()}
        />
      ) : (
        <>
          <p>An app that signs its users in with Portcullis (OpenID Connect). A confidential app gets a secret, shown once.</p>
          <OidcClientForm
            labelledBy="register-app-title"
            submitLabel="Register app"
            pendingLabel="Registering…"
            pending={create.isPending}
            onSave={(values) => create.mutateAsync(values)}
          />
        </>
      )}
    </section>
  )
}
