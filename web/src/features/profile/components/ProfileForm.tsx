// Changing the display name and email: the form shows the cached profile, overlaid with what the user has typed; every
// problem is named at its field on submit. A new or removed email address needs the current password, and where addresses
// are proven a new one takes effect once its link is opened.
import type { ProfileResponse, ProfileUpdateRequest } from '@portcullis/shared/api/user'
import { useQuery } from '@tanstack/react-query'
import { type FormEvent, useState } from 'react'
import { Field } from '../../../components/Field.tsx'
import { FormError } from '../../../components/FormError.tsx'
import { DISPLAY_NAME_MAX_LENGTH, displayNameError, EMAIL_MAX_LENGTH, emailError } from '../../../lib/account-fields.ts'
import { emailVerificationQuery } from '../../../lib/password-policy.ts'
import { fieldSentence, useFormErrors } from '../../../lib/use-form-errors.ts'
import { useUpdateProfile } from '../api/queries.ts'

type EditableField = 'display_name' | 'email'
type ProfileField = EditableField | 'current_password'
const FIELDS: readonly ProfileField[] = ['display_name', 'email', 'current_password']
const FIELD_OF_CODE = { email_taken: 'email' } as const
/** Only the fields the user has touched; the rest show the server's value, so a refetch is never overwritten. */
type Draft = Partial<Record<EditableField, string>>

/** What the hint under the email says of the address: proven or not (where addresses are proven), and a change waiting. */
function emailState(profile: ProfileResponse, proving: boolean): string {
  const state: string[] = []
  if (profile.email && proving) state.push(profile.email_verified ? 'Verified.' : 'Not verified: open the link we sent to it.')
  if (profile.pending_email) state.push(`Changing to ${profile.pending_email} once that address is confirmed.`)
  state.push('Leave it empty to remove it.')
  return state.join(' ')
}

export function ProfileForm({ profile }: { profile: ProfileResponse }) {
  const update = useUpdateProfile()
  const { data: verification } = useQuery(emailVerificationQuery())
  const [draft, setDraft] = useState<Draft>({})
  const [currentPassword, setCurrentPassword] = useState('')
  const problems = useFormErrors({ fields: FIELDS, fieldOfCode: FIELD_OF_CODE })
  const displayName = draft.display_name ?? profile.display_name ?? ''
  const email = draft.email ?? profile.email ?? ''
  const emailChanged = draft.email !== undefined && draft.email.trim() !== (profile.email ?? '')
  const proving = verification !== undefined && verification !== 'off'

  function edit(field: ProfileField, value: string) {
    if (field === 'current_password') setCurrentPassword(value)
    else setDraft((current) => ({ ...current, [field]: value }))
    problems.clearField(field)
    if (update.isSuccess) update.reset()
  }

  function submit(event: FormEvent) {
    event.preventDefault()
    const changes: ProfileUpdateRequest = {}
    // An emptied field clears the value on the server.
    if (draft.display_name !== undefined) changes.display_name = draft.display_name.trim() || null
    if (emailChanged) changes.email = draft.email?.trim() || null
    const found = {
      display_name: changes.display_name ? displayNameError(changes.display_name) : undefined,
      email: changes.email ? emailError(changes.email) : undefined,
      current_password: emailChanged && !currentPassword ? fieldSentence('Current password', 'is required') : undefined,
    }
    if (problems.showFieldErrors(found)) return
    if (emailChanged) changes.current_password = currentPassword
    update.mutate(changes, {
      onSuccess: () => {
        setDraft({})
        setCurrentPassword('')
      },
      onError: problems.showFailure,
    })
  }

  const saved = update.isSuccess
    ? update.variables.email !== undefined && update.data.pending_email
      ? `Your profile has been saved. We sent a link to ${update.data.pending_email}; your address changes once you open it.`
      : 'Your profile has been saved.'
    : ''

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
        hint={emailState(profile, proving)}
        value={email}
        onChange={(event) => edit('email', event.target.value)}
        error={problems.errors.email}
      />
      {emailChanged && (
        <Field
          label="Current password"
          name="current_password"
          type="password"
          autoComplete="current-password"
          required
          hint="Changing or removing your email address needs your password."
          value={currentPassword}
          onChange={(event) => edit('current_password', event.target.value)}
          error={problems.errors.current_password}
        />
      )}
      <p className="success live-status" role="status">
        {saved}
      </p>
      <button type="submit" className="primary" disabled={update.isPending}>
        {update.isPending ? 'Saving…' : 'Save profile'}
      </button>
    </form>
  )
}
