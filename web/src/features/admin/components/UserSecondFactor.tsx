// A user's two-step verification, opened from their row of the users table: the authenticator app, the passkeys and the
// recovery codes left, and turning it all off (after asking) for a user who lost their factors; the user is told by mail.
import type { UserBody } from '@portcullis/shared/api/common'
import type { MfaStatusResponse } from '@portcullis/shared/api/mfa'
import { useQuery } from '@tanstack/react-query'
import { useState } from 'react'
import { Link } from 'react-router'
import { ConfirmDialog } from '../../../components/ConfirmDialog.tsx'
import { FormError } from '../../../components/FormError.tsx'
import { describeError, ProblemError } from '../../../lib/problem.ts'
import { TWO_STEP_SETTINGS } from '../api/mfa-enrolment.ts'
import { useResetSecondFactor } from '../api/mutations.ts'
import { userSecondFactorQuery } from '../api/queries.ts'

function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`
}

function isOn(status: MfaStatusResponse): boolean {
  return status.totp || status.passkeys > 0
}

/** What the reset removes, in words: "the authenticator app, 2 passkeys and the recovery codes". */
function removed(status: MfaStatusResponse): string {
  const parts = [
    ...(status.totp ? ['the authenticator app'] : []),
    ...(status.passkeys > 0 ? [count(status.passkeys, 'passkey', 'passkeys')] : []),
    'the recovery codes',
  ]
  return parts.length === 1 ? (parts[0] ?? '') : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`
}

function sentence(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}

function resetFailure(error: unknown, user: UserBody): string {
  if (error instanceof ProblemError && error.code === 'no_second_factor') {
    return `${user.username} has no two-step verification to turn off: it is already off (perhaps another admin just turned it off).`
  }
  return describeError(error)
}

export interface UserSecondFactorProps {
  user: UserBody
  /** The signed-in admin's own row: their factors are theirs to change, on their profile. */
  self: boolean
  id: string
}

export function UserSecondFactor({ user, self, id }: UserSecondFactorProps) {
  const factors = useQuery(userSecondFactorQuery(user.id))
  const reset = useResetSecondFactor()
  const [asking, setAsking] = useState(false)
  const [done, setDone] = useState<string>()
  const status = factors.data
  const titleId = `${id}-title`

  function turnOff(): void {
    setAsking(false)
    setDone(undefined)
    reset.mutate(user.id, {
      onSuccess: () =>
        setDone(
          `Two-step verification is off for ${user.username}: they sign in with their password alone until they set it up again.${
            user.email ? ` They were told by email at ${user.email}.` : ''
          }`,
        ),
    })
  }

  return (
    <section id={id} className="user-second-factor" aria-labelledby={titleId}>
      <h3 id={titleId}>Two-step verification of {user.username}</h3>
      {factors.isPending && (
        <p className="loading" role="status">
          Loading…
        </p>
      )}
      {factors.isError && (
        <div className="form-error" role="alert">
          {describeError(factors.error)}{' '}
          <button type="button" onClick={() => void factors.refetch()}>
            Try again
          </button>
        </div>
      )}
      {status && (
        <>
          <p>{isOn(status) ? 'On: a password alone does not sign this user in.' : 'Off: this user signs in with the password alone.'}</p>
          <dl className="factor-facts">
            <div>
              <dt>Authenticator app</dt>
              <dd>{status.totp ? 'On' : 'Off'}</dd>
            </div>
            <div>
              <dt>Passkeys</dt>
              <dd>{status.passkeys}</dd>
            </div>
            <div>
              <dt>Recovery codes left</dt>
              <dd>{status.recovery_codes_left}</dd>
            </div>
          </dl>
        </>
      )}
      <FormError message={reset.isError ? resetFailure(reset.error, user) : undefined} />
      <p role="status" className="success">
        {done ?? ''}
      </p>
      {status &&
        isOn(status) &&
        (self ? (
          <p>
            Yours is changed on <Link to={TWO_STEP_SETTINGS}>your profile</Link>.
          </p>
        ) : (
          <button type="button" className="danger" disabled={reset.isPending} onClick={() => setAsking(true)}>
            {reset.isPending ? 'Turning off…' : 'Turn off two-step verification'}
          </button>
        ))}
      <ConfirmDialog
        open={asking}
        title={`Turn off two-step verification for ${user.username}?`}
        message={`${status ? sentence(removed(status)) : 'Their second factors'} are removed, and ${user.username} signs in with the password alone until they set two-step verification up again. ${
          user.email ? `They are told by email at ${user.email}.` : 'They have no email address to be told at.'
        } Do this only when you are sure who asked: whoever knows the password gets in.`}
        confirmLabel="Turn off"
        onCancel={() => setAsking(false)}
        onConfirm={turnOff}
      />
    </section>
  )
}
