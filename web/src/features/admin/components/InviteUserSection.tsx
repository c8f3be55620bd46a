// Inviting someone: an account with a username, an email address and a role, whose owner chooses a password through the
// link mailed to them; every problem named at its field on submit.
import type { InviteUserRequest } from '@portcullis/shared/api/admin'
import { type FormEvent, useState } from 'react'
import { Field } from '../../../components/Field.tsx'
import { FormError } from '../../../components/FormError.tsx'
import { SelectField } from '../../../components/SelectField.tsx'
import { EMAIL_MAX_LENGTH, emailError, USERNAME_HINT, usernameError } from '../../../lib/account-fields.ts'
import { fieldSentence, useFormErrors } from '../../../lib/use-form-errors.ts'
import { useInviteUser } from '../api/mutations.ts'

type InviteField = 'username' | 'email'
const FIELDS: readonly InviteField[] = ['username', 'email']
const FIELD_OF_CODE = { username_taken: 'username', email_taken: 'email' } as const
type Role = NonNullable<InviteUserRequest['role']>
const ROLE_OPTIONS: ReadonlyArray<{ value: Role; label: string }> = [
  { value: 'user', label: 'User' },
  { value: 'admin', label: 'Admin' },
]

export function InviteUserSection() {
  const invite = useInviteUser()
  const [username, setUsername] = useState('')
  const [email, setEmail] = useState('')
  const [role, setRole] = useState<Role>('user')
  const problems = useFormErrors({ fields: FIELDS, fieldOfCode: FIELD_OF_CODE })

  function submit(event: FormEvent) {
    event.preventDefault()
    const request: InviteUserRequest = { username: username.trim(), email: email.trim(), role }
    const found = {
      username: usernameError(request.username),
      email: request.email ? emailError(request.email) : fieldSentence('Email', 'is required'),
    }
    if (problems.showFieldErrors(found)) return
    invite.mutate(request, {
      onSuccess: () => {
        setUsername('')
        setEmail('')
        setRole('user')
      },
      onError: problems.showFailure,
    })
  }

  function edit(field: InviteField, setter: (value: string) => void) {
    return (value: string) => {
      setter(value)
      problems.clearField(field)
      if (invite.isSuccess) invite.reset()
    }
  }

  return (
    <section className="card" aria-labelledby="invite-title">
      <h2 id="invite-title">Invite a user</h2>
      <p>The new user gets a mail with a link to choose a password.</p>
      <form ref={problems.form} onSubmit={submit} noValidate aria-labelledby="invite-title" className="invite-form">
        <FormError message={problems.formError} />
        <Field
          label="Username"
          name="username"
          autoComplete="off"
          required
          hint={USERNAME_HINT}
          value={username}
          onChange={(event) => edit('username', setUsername)(event.target.value)}
          error={problems.errors.username}
        />
        <Field
          label="Email"
          name="email"
          type="email"
          autoComplete="off"
          required
          maxLength={EMAIL_MAX_LENGTH}
          value={email}
          onChange={(event) => edit('email', setEmail)(event.target.value)}
          error={problems.errors.email}
        />
        <SelectField
          label="Invite as"
          name="role"
          options={ROLE_OPTIONS}
          value={role}
          onChange={(event) => setRole(event.target.value === 'admin' ? 'admin' : 'user')}
        />
        <p className="success live-status" role="status">
          {invite.isSuccess ? `Invitation sent to ${invite.data.email ?? invite.variables.email}.` : ''}
        </p>
        <button type="submit" className="primary" disabled={invite.isPending}>
          {invite.isPending ? 'Inviting…' : 'Send invitation'}
        </button>
      </form>
    </section>
  )
}
