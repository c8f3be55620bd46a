// Ending every session of the account, this one included, after asking first.
import { useState } from 'react'
import { useNavigate } from 'react-router'
import { ConfirmDialog } from '../../../components/ConfirmDialog.tsx'
import { FormError } from '../../../components/FormError.tsx'
import { describeError } from '../../../lib/problem.ts'
import { useSignOutEverywhere } from '../api/queries.ts'

export function SignOutEverywhere() {
  const navigate = useNavigate()
  const signOutEverywhere = useSignOutEverywhere()
  const [asking, setAsking] = useState(false)

  async function confirm() {
    setAsking(false)
    try {
      // Awaited here, not in a mutate() callback: signing out unmounts this page before such a callback would run.
      await signOutEverywhere.mutateAsync()
      navigate('/login', { replace: true })
    } catch {
      // the mutation's error state shows it below
    }
  }

  return (
    <section className="card" aria-labelledby="everywhere-title">
      <h2 id="everywhere-title">Sign out everywhere</h2>
      <p>Ends every session of your account: other browsers, other devices, API clients and this browser too.</p>
      <FormError message={signOutEverywhere.isError ? describeError(signOutEverywhere.error) : undefined} />
      <button type="button" className="danger" disabled={signOutEverywhere.isPending} onClick={() => setAsking(true)}>
        {signOutEverywhere.isPending ? 'Signing out…' : 'Sign out everywhere'}
      </button>
      <ConfirmDialog
        open={asking}
        title="Sign out everywhere?"
        message="Every session of your account ends, this one included. You will need to sign in again on each device."
        confirmLabel="Yes, sign out everywhere"
        onConfirm={() => void confirm()}
        onCancel={() => setAsking(false)}
      />
    </section>
  )
}
