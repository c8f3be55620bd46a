// An otpauth:// address as a QR code for an authenticator app to scan. The QR library is fetched only here, on the
// enrolment screen, so that the first page does not carry it.
import { useEffect, useState } from 'react'

export function QrCode({ value, label }: { value: string; label: string }) {
  const [source, setSource] = useState<string>()
  const [failed, setFailed] = useState(false)

  useEffect(() => {
    let current = true
    setSource(undefined)
    setFailed(false)
    import('qrcode')
      .then((qrcode) => qrcode.toString(value, { type: 'svg', margin: 2, errorCorrectionLevel: 'M' }))
      .then((svg) => {
        if (current) setSource(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`)
      })
      .catch(() => {
        if (current) setFailed(true)
      })
    return () => {
      current = false
    }
  }, [value])

  if (failed) return <p className="notice">The QR code cannot be shown here; type the key below into your app instead.</p>
  if (!source)
    return (
      <p className="loading" role="status">
        Drawing the QR code…
      </p>
    )
  return <img className="qr-code" src={source} alt={label} width={200} height={200} />
}
