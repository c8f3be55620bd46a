// An app's client id and secret, shown once (when the app is registered, or given a new secret): each with a copy button,
// and a plain warning that the secret cannot be shown again. Closing it forgets the secret.
import { useEffect, useId, useRef, useState } from 'react'

export interface ClientSecretNoticeProps {
  title: string
  clientId: string
  /** null for a public app, which has none. */
  secret: string | null
  onDone: () => void
}

function CopyButton({ label, text, onCopied }: { label: string; text: string; onCopied: (ok: boolean) => void }) {
  async function copy() {
    try {
      await navigator.clipboard.writeText(text)
      onCopied(true)
    } catch {
      onCopied(false)
    }
  }
  return (
    <button type="button" onClick={() => void copy()}>
      {label}
    </button>
  )
}

export function ClientSecretNotice({ title, clientId, secret, onDone }: ClientSecretNoticeProps) {
  const heading = useRef<HTMLHeadingElement>(null)
  const titleId = useId()
  const [copied, setCopied] = useState<string>()

  // The form or button that was clicked has gone: the reader's place moves here.
  useEffect(() => {
    heading.current?.focus()
  }, [])

  const report = (what: string) => (ok: boolean) =>
    setCopied(ok ? `The ${what} has been copied.` : `Copying did not work here: select the ${what} and copy it.`)

  return (
    <section className="client-secret-notice" aria-labelledby={titleId}>
      <h3 id={titleId} ref={heading} tabIndex={-1}>
        {title}
      </h3>
      <dl className="client-credentials">
        <dt>Client ID</dt>
        <dd>
          <code className="id">{clientId}</code> <CopyButton label="Copy client ID" text={clientId} onCopied={report('client ID')} />
        </dd>
        {secret !== null && (
          <>
            <dt>Client secret</dt>
            <dd>
              <code className="id">{secret}</code> <CopyButton label="Copy secret" text={secret} onCopied={report('secret')} />
            </dd>
          </>
        )}
      </dl>
      {secret !== null ? (
        <p className="notice">
          <strong>Copy the secret now: you will not see this secret again.</strong> Portcullis keeps only a hash of it. Put it in the app's configuration; if it
          is lost, give the app a new secret.
        </p>
      ) : (
        <p className="notice">A public app has no secret: it signs in with PKCE.</p>
      )}
      <p className="success live-status" role="status">
        {copied ?? ''}
      </p>
      <button type="button" className="primary" onClick={onDone}>
        {secret !== null ? 'I have saved the secret' : 'Done'}
      </button>
    </section>
  )
}
