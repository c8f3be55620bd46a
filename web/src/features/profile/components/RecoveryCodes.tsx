// A new set of recovery codes, shown this once: to copy, to download as a text file, and to close once saved.
import { useEffect, useRef, useState } from 'react'

const FILE_NAME = 'portcullis-recovery-codes.txt'

function download(codes: readonly string[]): void {
  const url = URL.createObjectURL(new Blob([`${codes.join('\n')}\n`], { type: 'text/plain' }))
  const link = document.createElement('a')
  link.href = url
  link.download = FILE_NAME
  link.click()
  // The click has started the download; the address is not needed any more.
  setTimeout(() => URL.revokeObjectURL(url), 0)
}

export function RecoveryCodes({ codes, onDone }: { codes: readonly string[]; onDone: () => void }) {
  const [copied, setCopied] = useState<'yes' | 'failed'>()
  const heading = useRef<HTMLHeadingElement>(null)

  // What the user clicked has gone: their place moves to the codes.
  useEffect(() => {
    heading.current?.focus()
  }, [])

  async function copy() {
    try {
      await navigator.clipboard.writeText(codes.join('\n'))
      setCopied('yes')
    } catch {
      setCopied('failed')
    }
  }

  return (
    <section className="recovery-codes" aria-labelledby="recovery-codes-title">
      <h3 id="recovery-codes-title" ref={heading} tabIndex={-1}>
        Save your recovery codes
      </h3>
      <p>Each code signs you in once if you lose your authenticator app. Keep them somewhere safe: they are shown only now.</p>
      <ul className="recovery-code-list" aria-label="Recovery codes">
        {codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ul>
      <p className="success live-status" role="status">
        {copied === 'yes' ? 'The codes have been copied.' : copied === 'failed' ? 'Copying did not work here: select the codes and copy them.' : ''}
      </p>
      <div className="actions">
        <button type="button" onClick={() => void copy()}>
          Copy codes
        </button>
        <button type="button" onClick={() => download(codes)}>
          Download
        </button>
        <button type="button" className="primary" onClick={onDone}>
          I have saved them
        </button>
      </div>
    </section>
  )
}
