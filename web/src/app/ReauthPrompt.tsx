// The one re-authentication prompt of the app (lib/reauth.ts): a modal "Confirm it's you" over whatever page made the
// change, asking for the password and, when the account has an authenticator app, a code from it or a recovery code; or,
// when the account has passkeys, for one of them alone.
// Confirmed, the change that was refused goes again; cancelled, its form says why it did not go through.
import type { ReauthenticateRequest, ReauthenticateResponse } from '@portcullis/shared/api/reauth'
import type { MfaStatusResponse } from '@portcullis/shared/api/mfa'
import type { PasskeyRequestOptions } from '@portcullis/shared/api/passkeys'
import { useMutation, useQuery } from '@tanstack/react-query'
import { type FormEvent, useEffect, useId, useRef, useState, useSyncExternalStore } from 'react'
import { CodeField } from '../components/CodeField.tsx'
import { Field } from '../components/Field.tsx'
import { FormError } from '../components/FormError.tsx'
import { RecoveryCodeField } from '../components/RecoveryCodeField.tsx'
import { apiFetch } from '../lib/api-client.ts'
import { answerWithPasskey } from '../lib/passkeys.ts'
import { describeError, ProblemError } from '../lib/problem.ts'
import { cancelReauthentication, completeReauthentication, type PendingReauthentication, reauthPrompt } from '../lib/reauth.ts'
import { useSession } from '../lib/session/use-session.ts'
import { type FieldErrors, fieldSentence, useFormErrors } from '../lib/use-form-errors.ts'

type ReauthField = 'password' | 'code' | 'recovery_code'
type SecondFactorField = Exclude<ReauthField, 'password'>
const FIELDS: readonly ReauthField[] = ['password', 'code', 'recovery_code']

export function ReauthPrompt() {
  const pending = useSyncExternalStore(reauthPrompt.subscribe, reauthPrompt.pending, reauthPrompt.pending)
  const session = useSession()
  // Signed out meanwhile (here or in another tab): there is nobody left to confirm.
  useEffect(() => {
    if (pending && session.status !== 'signed-in') cancelReauthentication()
  }, [pending, session.status])
  if (!pending || session.status !== 'signed-in') return null
  return <ReauthDialog key={pending.id} pending={pending} />
}

function ReauthDialog({ pending }: { pending: PendingReauthentication }) {
  const dialog = useRef<HTMLDialogElement>(null)
  const titleId = useId()
  const status = useQuery({
    queryKey: ['reauthentication', 'second-factor', pending.id],
    queryFn: ({ signal }) => apiFetch<MfaStatusResponse>('/auth/mfa', { signal }),
    retry: false,
    gcTime: 0,
  })
  const confirm = useMutation({
    mutationFn: (request: ReauthenticateRequest) => apiFetch<ReauthenticateResponse>('/auth/reauthenticate', { method: 'POST', body: request }),
    onSuccess: completeReauthentication,
  })
  const withPasskey = useMutation({
    mutationFn: async () => {
      const options = await apiFetch<PasskeyRequestOptions>('/auth/passkeys/reauthenticate/options', { method: 'POST', body: {} })
      const passkey = await answerWithPasskey(options)
      return apiFetch<ReauthenticateResponse>('/auth/reauthenticate', { method: 'POST', body: { passkey } })
    },
    onSuccess: completeReauthentication,
  })
  const hasPasskeys = (status.data?.passkeys ?? 0) > 0
  const [password, setPassword] = useState('')
  const [code, setCode] = useState('')
  const [recoveryCode, setRecoveryCode] = useState('')
  // The server may ask for a code the status did not show (an app turned on in another tab).
  const [askedForCode, setAskedForCode] = useState(false)
  const [codeField, setCodeField] = useState<SecondFactorField>('code')
  const problems = useFormErrors({ fields: FIELDS, fieldOfCode: { invalid_credentials: 'password', invalid_code: codeField } })
  const needsCode = status.data?.totp === true || askedForCode

  useEffect(() => {
    const element = dialog.current
    if (!element || element.open) return
    if (typeof element.showModal === 'function') element.showModal()
    else element.setAttribute('open', '')
    return () => {
      if (typeof element.close === 'function') element.close()
      else element.removeAttribute('open')
    }
  }, [])

  function swap() {
    problems.clearAll()
    setCodeField(codeField === 'code' ? 'recovery_code' : 'code')
  }

  function submit(event: FormEvent) {
    event.preventDefault()
    const typedCode = (codeField === 'code' ? code : recoveryCode).trim()
    const found: FieldErrors<ReauthField> = { password: password ? undefined : fieldSentence('Password', 'is required') }
    if (needsCode && !typedCode) found[codeField] = fieldSentence(codeField === 'code' ? 'Authentication code' : 'Recovery code', 'is required')
    if (problems.showFieldErrors(found)) return
    const request: ReauthenticateRequest = { password }
    if (needsCode && codeField === 'code') request.code = typedCode
    if (needsCode && codeField === 'recovery_code') request.recovery_code = typedCode
    confirm.mutate(request, {
      onError: (error) => {
        if (error instanceof ProblemError && error.forField('code') && !needsCode) setAskedForCode(true)
        problems.showFailure(error)
      },
    })
  }

  return (
    <dialog ref={dialog} className="confirm-dialog reauth-dialog" aria-labelledby={titleId} onCancel={cancelReauthentication}>
      <h2 id={titleId}>Confirm it's you</h2>
      <form ref={problems.form} onSubmit={submit} noValidate aria-labelledby={titleId}>
        <p>For your security, {hasPasskeys ? 'use one of your passkeys, or enter your password again,' : 'enter your password again'} to make this change.</p>
        <FormError message={problems.formError ?? (withPasskey.error ? describeError(withPasskey.error) : undefined)} />
        {hasPasskeys && (
          <p>
            <button type="button" className="primary" disabled={withPasskey.isPending} onClick={() => withPasskey.mutate()}>
              {withPasskey.isPending ? 'Waiting for your passkey…' : 'Use a passkey'}
            </button>
          </p>
        )}
        <Field
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          autoFocus
          required
          value={password}
          onChange={(event) => {
            setPassword(event.target.value)
            problems.clearField('password')
          }}
          error={problems.errors.password}
        />
        {needsCode && (
          <>
            {codeField === 'code' ? (
              <CodeField
                key="code"
                label="Authentication code"
                hint="The 6 digits your authenticator app shows for this account."
                value={code}
                onChange={(event) => {
                  setCode(event.target.value)
                  problems.clearField('code')
                }}
                error={problems.errors.code}
              />
            ) : (
              <RecoveryCodeField
                key="recovery_code"
                value={recoveryCode}
                onChange={(event) => {
                  setRecoveryCode(event.target.value)
                  problems.clearField('recovery_code')
                }}
                error={problems.errors.recovery_code}
              />
            )}
            <p>
              <button type="button" className="link-button" onClick={swap}>
                {codeField === 'code' ? 'Use a recovery code instead' : 'Use your authenticator app'}
              </button>
            </p>
          </>
        )}
        <div className="dialog-actions">
          <button type="button" onClick={cancelReauthentication}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={confirm.isPending}>
            {confirm.isPending ? 'Confirming…' : 'Confirm'}
          </button>
        </div>
      </form>
    </dialog>
  )
}
