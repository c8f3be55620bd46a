// Two-step verification on the profile: an authenticator app set up and turned on with its first code, the recovery
// codes shown once (at that moment and when a new set is made, which any second factor allows: the app or a passkey), and
// turning the app off again. The status comes from the server after each change. Its id, two-step, is where the admin
// console sends an admin who must set one up.
import { useQuery } from '@tanstack/react-query'
import { useState } from 'react'
import { ConfirmDialog } from '../../../components/ConfirmDialog.tsx'
import { FormError } from '../../../components/FormError.tsx'
import { QueryPending } from '../../../components/QueryPending.tsx'
import { describeError } from '../../../lib/problem.ts'
import { secondFactorQuery, useNewRecoveryCodes, useSetUpTotp } from '../api/queries.ts'
import { RecoveryCodes } from './RecoveryCodes.tsx'
import { TotpEnrolment } from './TotpEnrolment.tsx'
import { TurnOffTotpForm } from './TurnOffTotpForm.tsx'

function codesLeft(count: number): string {
  return count === 1 ? '1 recovery code left.' : `${count} recovery codes left.`
}

export function TwoStepSection() {
  const { data: status, error, isError, refetch } = useQuery(secondFactorQuery())
  const setUp = useSetUpTotp()
  const newCodes = useNewRecoveryCodes()
  /** A set of recovery codes just made: shown until the user says they are saved, and never again. */
  const [codes, setCodes] = useState<string[]>()
  const [askingNewCodes, setAskingNewCodes] = useState(false)
  const [turningOff, setTurningOff] = useState(false)
  const [turnedOff, setTurnedOff] = useState(false)

  function showCodes(recoveryCodes: string[]) {
    setUp.reset()
    setCodes(recoveryCodes)
  }

  function makeNewCodes() {
    setAskingNewCodes(false)
    newCodes.mutate(undefined, { onSuccess: (answer) => showCodes(answer.recovery_codes) })
  }

  function body() {
    if (codes) return <RecoveryCodes codes={codes} onDone={() => setCodes(undefined)} />
    if (!status) return <QueryPending error={isError ? error : undefined} onRetry={() => void refetch()} />
    if (!status.totp) {
      if (setUp.data) return <TotpEnrolment setup={setUp.data} onTurnedOn={showCodes} onCancel={() => setUp.reset()} />
      return (
        <>
          <p>
            {status.passkeys > 0
              ? `On: your passkey${status.passkeys === 1 ? ' is' : 's are'} asked for after your password. ${codesLeft(status.recovery_codes_left)}`
              : 'Ask for a code from an authenticator app on your phone each time you sign in, after your password (or add a passkey below).'}
          </p>
          <p className="success live-status" role="status">
            {turnedOff
              ? status.passkeys > 0
                ? 'The authenticator app is off. Your passkeys and recovery codes still work.'
                : 'Two-step verification is off. Your recovery codes no longer work.'
              : ''}
          </p>
          {status.passkeys > 0 && (
            <button type="button" disabled={newCodes.isPending} onClick={() => setAskingNewCodes(true)}>
              {newCodes.isPending ? 'Making new codes…' : 'New recovery codes'}
            </button>
          )}
          <FormError message={setUp.isError ? describeError(setUp.error) : undefined} />
          <button
            type="button"
            className="primary"
            disabled={setUp.isPending}
            onClick={() => {
              setTurnedOff(false)
              setUp.mutate()
            }}
          >
            {setUp.isPending ? 'Setting up…' : 'Set up an authenticator app'}
          </button>
        </>
      )
    }
    if (turningOff) {
      return (
        <TurnOffTotpForm
          codesStay={status.passkeys > 0}
          onTurnedOff={() => {
            setTurningOff(false)
            setTurnedOff(true)
          }}
          onCancel={() => setTurningOff(false)}
        />
      )
    }
    return (
      <>
        <p>On: your authenticator app is required at sign-in. {codesLeft(status.recovery_codes_left)}</p>
        <FormError message={newCodes.isError ? describeError(newCodes.error) : undefined} />
        <div className="actions">
          <button type="button" disabled={newCodes.isPending} onClick={() => setAskingNewCodes(true)}>
            {newCodes.isPending ? 'Making new codes…' : 'New recovery codes'}
          </button>
          <button type="button" className="danger" onClick={() => setTurningOff(true)}>
            Turn off
          </button>
        </div>
      </>
    )
  }

  return (
    <section className="card" id="two-step" aria-labelledby="two-step-title">
      <h2 id="two-step-title">Two-step verification</h2>
      {body()}
      <ConfirmDialog
        open={askingNewCodes}
        title="Make new recovery codes?"
        message="Your current recovery codes stop working at once. The new ones are shown only once."
        confirmLabel="Make new codes"
        onConfirm={makeNewCodes}
        onCancel={() => setAskingNewCodes(false)}
      />
    </section>
  )
}
