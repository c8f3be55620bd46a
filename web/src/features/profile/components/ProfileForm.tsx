// Changing the display name and email: the form shows the cached profile, overlaid with what the user has typed; every
// problem is named at its field on submit.
import type { ProfileResponse, ProfileUpdateRequest } from '@portcullis/shared/api/user'
import { type FormEvent, useState } from 'react'
import { Field } from '../../../components/Field.tsx'
import { FormError } from '../../../components/FormError.tsx'
import { DISPLAY_NAME_MAX_LENGTH, displayNameError, EMAIL_MAX_LENGTH, emailError } from '../../../lib/account-fields.ts'
import { useFormErrors } from '../../../lib/use-form-errors.ts'
import { useUpdateProfile } from '../api/queries.ts'

type EditableField = 'display_name' | 'email'
const FIELDS: readonly EditableField[] = ['display_name', 'email']
const FIELD_OF_CODE = { email_taken: 'email' } as const
/** Only the fields the user has touched; the rest show the server's value, so a refetch is never overwritten. */
type Draft = Partial<Record<EditableField, string>>

export function ProfileForm({ profile }: { profile: ProfileResponse }) {
  const update = useUpdateProfile()
  const [draft, setDraft] = useState<Draft>({})
  const problems = useFormErrors({ fields: FIELDS, fieldOfCode: FIELD_OF_CODE })
  const displayName = draft.display_name ?? profile.display_name ?? ''
  const email = draft.email ?? profile.email ?? ''

  function edit(field: EditableField, value: string) {
    setDraft((current) => ({ ...current, [field]: value }))
    problems.clearField(field)
    if (update.isSuccess) update.reset()
  }

  function submit(event: FormEvent) {
    event.preventDefault()
    const changes: ProfileUpdateRequest = {}
    // An emptied field clears the value on the server.
    if (draft.display_name !== undefined) changes.display_name = draft.display_name.trim() || null
    if (draft.email !== undefined) changes.email = draft.email.trim() || null
    const found = {
      display_name: changes.display_name ? displayNameError(changes.display_name) : undefined,
      email: changes.email ? emailError(changes.email) : undefined,
    }
    if (problems.showFieldErrors(found)) return
    update.mutate(changes, { onSuccess: () => setDraft({}), onError: problems.showFailure })
  }

  return (
    <form ref={problems.form} onSubmit={submit} noValidate aria-labelledby="profile-details-title">
      <p>
        Signed in as <strong>{profile.username}</strong>. Your username cannot be changed.
      </p>
      <FormError message={problems.formError} />
      <Field
        label="Display name"
        name="display_name"
        autoComplete="name"
        maxLength={DISPLAY_NAME_MAX_LENGTH}
        hint={`Up to ${DISPLAY_NAME_MAX_LENGTH} characters. Leave it empty to remove it.`}
        value={displayName}
        onChange={(event) => edit('display_name', event.target.value)}
        error={problems.errors.display_name}
      />
      <Field
        label="Email"
        name="email"
        type="email"
        autoComplete="email"
        maxLength={EMAIL_MAX_LENGTH}
        hint="Leave it empty to remove it."
        value={email}
        onChange={(event) => edit('email', event.target.value)}
        error={problems.errors.email}
      />
      <p className="success live-status" role="status">
        {update.isSuccess ? 'Your profile has been saved.' : ''}
      </p>
      <button type="submit" className="primary" disabled={update.isPending}>
        {update.isPending ? 'Saving…' : 'Save profile'}
      </button>
    </form>
  )
}
