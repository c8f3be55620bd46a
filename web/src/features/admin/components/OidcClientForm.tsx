// An app's form, to register one or to edit one: its name, its redirect URIs (one per line), whether it is public (chosen
// once, when it is made) and whether it is first-party. Every problem is said at its field, the server's too.
import type { OidcClientBody } from '@portcullis/shared/api/oidc-clients'
import { type FormEvent, useState } from 'react'
import { Field } from '../../../components/Field.tsx'
import { FormError } from '../../../components/FormError.tsx'
import { fieldSentence, useFormErrors } from '../../../lib/use-form-errors.ts'
import { CheckboxField } from './CheckboxField.tsx'
import { RedirectUrisField, redirectUriLines } from './RedirectUrisField.tsx'

type ClientField = 'name' | 'redirect_uris'
const FIELDS: readonly ClientField[] = ['name', 'redirect_uris']
const FIELD_OF_CODE = { oidc_client_name_taken: 'name' } as const

export interface OidcClientFormValues {
  name: string
  redirect_uris: string[]
  public: boolean
  first_party: boolean
}

export interface OidcClientFormProps {
  /** The app being edited; a new one when absent. */
  client?: OidcClientBody
  /** What names the form (its heading's id). */
  labelledBy: string
  submitLabel: string
  pendingLabel: string
  pending: boolean
  /** Sends the form; a rejection's problems are shown at their fields. */
  onSave: (values: OidcClientFormValues) => Promise<unknown>
  onCancel?: () => void
}

export function OidcClientForm({ client, labelledBy, submitLabel, pendingLabel, pending, onSave, onCancel }: OidcClientFormProps) {
  const [name, setName] = useState(client?.name ?? '')
  const [redirectUris, setRedirectUris] = useState(client?.redirect_uris.join('\n') ?? '')
  const [isPublic, setPublic] = useState(client?.public ?? false)
  const [firstParty, setFirstParty] = useState(client?.first_party ?? false)
  const problems = useFormErrors({ fields: FIELDS, fieldOfCode: FIELD_OF_CODE })

  function submit(event: FormEvent) {
    event.preventDefault()
    const values: OidcClientFormValues = { name: name.trim(), redirect_uris: redirectUriLines(redirectUris), public: isPublic, first_party: firstParty }
    const found = {
      name: values.name ? undefined : fieldSentence('Name', 'is required'),
      redirect_uris: values.redirect_uris.length > 0 ? undefined : fieldSentence('At least one redirect URI', 'is needed'),
    }
    if (problems.showFieldErrors(found)) return
    onSave(values).catch(problems.showFailure)
  }

  return (
    <form ref={problems.form} onSubmit={submit} noValidate aria-labelledby={labelledBy} className="oidc-client-form">
      <FormError message={problems.formError} />
      <Field
        label="Name"
        name="name"
        autoComplete="off"
        required
        maxLength={64}
        hint="How users see the app when they sign in to it."
        value={name}
        onChange={(event) => {
          setName(event.target.value)
          problems.clearField('name')
        }}
        error={problems.errors.name}
      />
      <RedirectUrisField
        name="redirect_uris"
        required
        value={redirectUris}
        onChange={(event) => {
          setRedirectUris(event.target.value)
          problems.clearField('redirect_uris')
        }}
        error={problems.errors.redirect_uris}
      />
      {client ? (
        <p className="field-hint fixed-client-type">
          {client.public ? 'A public app: no secret, it signs in with PKCE.' : 'A confidential app: it signs in with its secret.'} This cannot change.
        </p>
      ) : (
        <CheckboxField
          label="Public"
          name="public"
          hint="A single-page or native app, which cannot keep a secret: it gets none and signs in with PKCE."
          checked={isPublic}
          onChange={(event) => setPublic(event.target.checked)}
        />
      )}
      <CheckboxField
        label="First-party"
        name="first_party"
        hint="One of your own apps: its users are not asked to consent."
        checked={firstParty}
        onChange={(event) => setFirstParty(event.target.checked)}
      />
      <div className="actions">
        <button type="submit" className="primary" disabled={pending}>
          {pending ? pendingLabel : submitLabel}
        </button>
        {onCancel && (
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
    </form>
  )
}
