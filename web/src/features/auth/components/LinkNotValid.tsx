// What a page opened from a mail's link says when the link cannot be used, with the way to a new one.
import type { ReactNode } from 'react'

/** For an address without a token of ours: the server's invalid_link says the same of a token it refuses. */
export const NO_VALID_LINK = 'This link is not valid: it may have expired, been used already or been cut short. Ask for a new one.'

export function LinkNotValid({ message, children }: { message: string; children: ReactNode }) {
  return (
    <div className="link-problem">
      <p className="form-error" role="alert">
        {message}
      </p>
      <p>{children}</p>
    </div>
  )
}
