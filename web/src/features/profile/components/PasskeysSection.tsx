// Passkeys on the profile: the ones registered (name, when added and last used, whether synced), adding one from this
// device (a name the user picks, suggested from the device), renaming, and removing behind a confirmation. A passkey signs
// in alone, or is the second step after the password; the first one comes with recovery codes, shown this once.
import { useQuery } from '@tanstack/react-query'
import type { Passkey } from '@portcullis/shared/api/passkeys'
import { type FormEvent, useState } from 'react'
import { ConfirmDialog } from '../../../components/ConfirmDialog.tsx'
import { Field } from '../../../components/Field.tsx'
import { FormError } from '../../../components/FormError.tsx'
import { QueryPending } from '../../../components/QueryPending.tsx'
import { Time } from '../../../components/Time.tsx'
import { deviceName } from '../../../lib/device-name.ts'
import { PasskeyPromptError, passkeysSupported } from '../../../lib/passkeys.ts'
import { describeError } from '../../../lib/problem.ts'
import { fieldSentence, useFormErrors } from '../../../lib/use-form-errors.ts'
import { passkeysQuery, useAddPasskey, useRemovePasskey, useRenamePasskey } from '../api/passkeys.ts'
import { RecoveryCodes } from './RecoveryCodes.tsx'

const NAME_FIELDS = ['name'] as const

/** A passkey's new name, in place of its row. */
function RenameForm({ passkey, onDone }: { passkey: Passkey; onDone: () => void }) {
  const rename = useRenamePasskey()
  const [name, setName] = useState(passkey.name)
  const problems = useFormErrors({ fields: NAME_FIELDS })

  function submit(event: FormEvent) {
    event.preventDefault()
    if (problems.showFieldErrors({ name: name.trim() ? undefined : fieldSentence('Name', 'is required') })) return
    rename.mutate({ id: passkey.id, name: name.trim() }, { onSuccess: onDone, onError: problems.showFailure })
  }

  return (
    <form ref={problems.form} onSubmit={submit} noValidate aria-label={`Rename ${passkey.name}`} className="inline-form">
      <FormError message={problems.formError} />
      <Field
        label="Name"
        name="name"
        maxLength={64}
        value={name}
        onChange={(event) => {
          setName(event.target.value)
          problems.clearField('name')
        }}
        error={problems.errors.name}
      />
      <div className="actions">
        <button type="submit" className="primary" disabled={rename.isPending}>
          {rename.isPending ? 'Saving…' : 'Save'}
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  )
}

export function PasskeysSection() {
  const { data: passkeys, error, isError, refetch } = useQuery(passkeysQuery())
  const add = useAddPasskey()
  const remove = useRemovePasskey()
  const [name, setName] = useState(() => deviceName({ user_agent: navigator.userAgent }))
  const [renaming, setRenaming] = useState<string>()
  const [removing, setRemoving] = useState<Passkey>()
  const [codes, setCodes] = useState<string[]>()
  const [done, setDone] = useState<string>()
  const supported = passkeysSupported()

  function addPasskey(event: FormEvent) {
    event.preventDefault()
    setDone(undefined)
    add.mutate(
      { name: name.trim() },
      {
        onSuccess: (answer) => {
          setDone(`Passkey “${answer.passkey.name}” added. You can sign in with it alone, or use it after your password.`)
          if (answer.recovery_codes) setCodes(answer.recovery_codes)
        },
      },
    )
  }

  function confirmRemove() {
    const passkey = removing
    setRemoving(undefined)
    if (!passkey) return
    setDone(undefined)
    remove.mutate(passkey.id, { onSuccess: () => setDone(`Passkey “${passkey.name}” removed.`) })
  }

  // A prompt the user closed is said calmly; a refusal by the server or the browser as an error.
  const addProblem = add.error ? describeError(add.error) : undefined
  const addCancelled = add.error instanceof PasskeyPromptError && add.error.cancelled

  function list() {
    if (!passkeys) return <QueryPending error={isError ? error : undefined} onRetry={() => void refetch()} />
    if (passkeys.length === 0) return <p>No passkeys yet.</p>
    return (
      <ul className="passkey-list" aria-label="Your passkeys">
        {passkeys.map((passkey) => (
          <li key={passkey.id} className="passkey">
            {renaming === passkey.id ? (
              <RenameForm passkey={passkey} onDone={() => setRenaming(undefined)} />
            ) : (
              <>
                <div>
                  <strong>{passkey.name}</strong>
                  {passkey.synced && <span className="badge">Synced</span>}
                  <p className="muted">
                    Added <Time iso={passkey.created_at} />
                    {' · '}
                    {passkey.last_used_at ? (
                      <>
                        last used <Time iso={passkey.last_used_at} />
                      </>
                    ) : (
                      'not used yet'
                    )}
                  </p>
                </div>
                <div className="actions">
                  <button type="button" onClick={() => setRenaming(passkey.id)} aria-label={`Rename ${passkey.name}`}>
                    Rename
                  </button>
                  <button type="button" className="danger" onClick={() => setRemoving(passkey)} aria-label={`Remove ${passkey.name}`}>
                    Remove
                  </button>
                </div>
              </>
            )}
          </li>
        ))}
      </ul>
    )
  }

  return (
    <section className="card" aria-labelledby="passkeys-title">
      <h2 id="passkeys-title">Passkeys</h2>
      {codes ? (
        <RecoveryCodes codes={codes} onDone={() => setCodes(undefined)} />
      ) : (
        <>
          <p>
            A passkey lives on this device or in your password manager, and opens your account with your fingerprint, face or screen lock: no password to type
            or to steal.
          </p>
          {list()}
          <p className="success live-status" role="status">
            {done ?? ''}
          </p>
          <FormError message={remove.isError ? describeError(remove.error) : undefined} />
          {supported ? (
            <form onSubmit={addPasskey} noValidate aria-label="Add a passkey" className="inline-form">
              <Field label="Name for the new passkey" name="passkey-name" maxLength={64} value={name} onChange={(event) => setName(event.target.value)} />
              {addProblem && (addCancelled ? <p className="notice">{addProblem}</p> : <FormError message={addProblem} />)}
              <button type="submit" disabled={add.isPending}>
                {add.isPending ? 'Waiting for your device…' : 'Add a passkey'}
              </button>
            </form>
          ) : (
            <p className="notice">This browser cannot make passkeys.</p>
          )}
        </>
      )}
      <ConfirmDialog
        open={removing !== undefined}
        title="Remove this passkey?"
        message={`“${removing?.name ?? ''}” will no longer sign you in. If it is your last second factor, your recovery codes stop working too.`}
        confirmLabel="Remove passkey"
        onConfirm={confirmRemove}
        onCancel={() => setRemoving(undefined)}
      />
    </section>
  )
}
