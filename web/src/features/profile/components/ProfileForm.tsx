// Changing the display name and email: the form shows the cached profile, overlaid with what the user has typed.
import type { ProfileResponse, ProfileUpdateRequest } from '@portcullis/shared/api/user'
import { type FormEvent, useState } from 'react'
import { Field } from '../../../components/Field.tsx'
import { FormError } from '../../../components/FormError.tsx'
import { describeError, ProblemError } from '../../../lib/problem.ts'
import { useUpdateProfile } from '../api/queries.ts'

type EditableField = 'display_name' | 'email'
/** Only the fields the user has touched; the rest show the server's value, so a refetch is never overwritten. */
type Draft = Partial<Record<EditableField, string>>

export function ProfileForm({ profile }: { profile: ProfileResponse }) {
  const update = useUpdateProfile()
  const [draft, setDraft] = useState<Draft>({})
  const displayName = draft.display_name ?? profile.display_name ?? ''
  const email = draft.email ?? profile.email ?? ''

  function edit(field: EditableField, value: string) {
    setDraft((current) => ({ ...current, [field]: value }))
    if (update.isSuccess) update.reset()
  }

  function submit(event: FormEvent) {
    event.preventDefault()
    const changes: ProfileUpdateRequest = {}
    // An emptied field clears the value on the server.
    if (draft.display_name !== undefined) changes.display_name = draft.display_name.trim() || null
    if (draft.email !== undefined) changes.email = draft.email.trim() || null
    update.mutate(changes, { onSuccess: () => setDraft({}) })
  }

  const problem = update.error instanceof ProblemError ? update.error : undefined
  const displayNameError = problem?.forField('display_name')
  const emailError = problem?.forField('email') ?? (problem?.code === 'email_taken' ? problem.message : undefined)
  const fieldLevel = Boolean(displayNameError || emailError)
  return (
    <form onSubmit={submit} noValidate aria-labelledby="profile-details-title">
      <p>
        Signed in as <strong>{profile.username}</strong>. Your username cannot be changed.
      </p>
      <FormError message={update.isError && !fieldLevel ? describeError(update.error) : undefined} />
      <Field
        label="Display name"
        name="display_name"
        autoComplete="name"
        maxLength={100}
        hint="Up to 100 characters. Leave it empty to remove it."
        value={displayName}
        onChange={(event) => edit('display_name', event.target.value)}
        error={displayNameError}
      />
      <Field
        label="Email"
        name="email"
        type="email"
        autoComplete="email"
        maxLength={254}
        hint="Leave it empty to remove it."
        value={email}
        onChange={(event) => edit('email', event.target.value)}
        error={emailError}
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
