// /consent/:uid: an app asks to sign in with the user's Portcullis account. The browser arrives from the OpenID Connect
// provider by a full navigation; a visitor not signed in goes to the login page and comes back here. The page shows who
// asks for what and sends the user's answer (allow or deny), or, when the app asked for a fresh sign-in, has the user
// confirm it is them; then the browser goes back to the app.
import type { InteractionDetails, InteractionRedirect } from '@portcullis/shared/api/oidc'
import { useQuery } from '@tanstack/react-query'
import { Navigate, useParams } from 'react-router'
import { FormError } from '../../../components/FormError.tsx'
import { PageHeading } from '../../../components/PageHeading.tsx'
import { ScopeList } from '../../../components/ScopeList.tsx'
import { describeError } from '../../../lib/problem.ts'
import { useSession } from '../../../lib/session/use-session.ts'
import { interactionQuery, isInteractionGone, useConsentDecision, useFreshSignIn } from '../api/interaction.ts'

const TAB_TITLE = ['Sign in with Portcullis']

/** Back to the app: a full navigation, as the provider's redirect needs. */
function goBack(answer: InteractionRedirect): void {
  window.location.assign(answer.redirect_to)
}

function RequestGone({ clientName }: { clientName: string | undefined }) {
  return (
    <p className="notice" role="alert">
      This sign-in request has expired or was already used. Go back to {clientName ?? 'the app'} and sign in again.
    </p>
  )
}

function SignedInAs({ username }: { username: string }) {
  return (
    <p>
      Signed in as <strong>{username}</strong>
    </p>
  )
}

function ConsentPrompt({ uid, details }: { uid: string; details: InteractionDetails }) {
  const decide = useConsentDecision(uid)
  const client = details.client.name
  // Once answered the browser is leaving: the buttons stay disabled until it has gone.
  const sending = decide.isPending || decide.isSuccess
  if (isInteractionGone(decide.error)) return <RequestGone clientName={client} />
  return (
    <>
      <SignedInAs username={details.username} />
      {details.scopes.length > 0 && (
        <>
          <p>{client} will see:</p>
          <ScopeList scopes={details.scopes} label={`What ${client} will see`} />
        </>
      )}
      <FormError message={decide.isError ? describeError(decide.error) : undefined} />
      <div className="actions consent-actions">
        <button type="button" className="primary" disabled={sending} onClick={() => decide.mutate('allow', { onSuccess: goBack })}>
          Allow
        </button>
        <button type="button" disabled={sending} onClick={() => decide.mutate('deny', { onSuccess: goBack })}>
          Deny
        </button>
      </div>
      <p className="live-status" role="status">
        {decide.isSuccess ? `Taking you back to ${client}…` : ''}
      </p>
    </>
  )
}

function FreshSignInPrompt({ uid, details }: { uid: string; details: InteractionDetails }) {
  const confirm = useFreshSignIn(uid)
  const client = details.client.name
  const sending = confirm.isPending || confirm.isSuccess
  if (isInteractionGone(confirm.error)) return <RequestGone clientName={client} />
  return (
    <>
      <SignedInAs username={details.username} />
      <p>{client} asked you to sign in again. Confirm it is you to go on.</p>
      <FormError message={confirm.isError ? describeError(confirm.error) : undefined} />
      <div className="actions consent-actions">
        <button type="button" className="primary" disabled={sending} onClick={() => confirm.mutate(client, { onSuccess: goBack })}>
          Confirm it's you
        </button>
      </div>
      <p className="live-status" role="status">
        {confirm.isSuccess ? `Taking you back to ${client}…` : ''}
      </p>
    </>
  )
}

function ConsentRequest({ uid }: { uid: string }) {
  const { data: details, error, isError, refetch } = useQuery(interactionQuery(uid))
  const client = details?.client.name
  const heading = !details
    ? 'Sign in with Portcullis'
    : details.prompt === 'login'
      ? `${client} asks you to confirm it is you`
      : `${client} wants to use your Portcullis account`

  function body() {
    if (details) return details.prompt === 'login' ? <FreshSignInPrompt uid={uid} details={details} /> : <ConsentPrompt uid={uid} details={details} />
    if (isInteractionGone(error)) return <RequestGone clientName={undefined} />
    if (isError)
      return (
        <>
          <FormError message={describeError(error)} />
          <button type="button" onClick={() => void refetch()}>
            Try again
          </button>
        </>
      )
    return (
      <p className="loading" role="status">
        Loading the sign-in request…
      </p>
    )
  }

  return (
    <section className="card narrow consent-page" aria-labelledby="consent-title">
      <PageHeading id="consent-title" title={TAB_TITLE}>
        {heading}
      </PageHeading>
      {body()}
    </section>
  )
}

export function ConsentPage() {
  const { uid = '' } = useParams()
  const session = useSession()
  if (session.status === 'restoring')
    return (
      <p className="loading" role="status">
        Loading…
      </p>
    )
  // Signed out: the login page brings the browser back here afterwards (a full load, which restores the session).
  if (session.status === 'anonymous') return <Navigate to={`/login?next=/consent/${encodeURIComponent(uid)}`} replace />
  return <ConsentRequest key={uid} uid={uid} />
}
