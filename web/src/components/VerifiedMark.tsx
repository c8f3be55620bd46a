// Whether an email address was proven by its verification link, in words (not only a colour), beside the address.
export function VerifiedMark({ verified }: { verified: boolean }) {
  return <span className={verified ? 'badge verified' : 'badge unverified'}>{verified ? 'verified' : 'unverified'}</span>
}
