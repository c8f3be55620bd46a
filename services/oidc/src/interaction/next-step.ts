// What a sign-in to another app needs next, given the provider's interaction and who is signed in to Portcullis in this
// browser: a Portcullis sign-in first, the user's confirmation (a fresh sign-in the app asked for, or consent to what it asks
// that the user has not yet allowed it), or nothing more (the provider is told who signed in, and what they allow).
import type { InteractionResults } from 'oidc-provider'
import type { PortcullisSignIn } from '../sign-in/portcullis-sign-in.ts'

/** What of the provider's interaction (provider.interactionDetails) the decision reads. */
export interface PendingInteraction {
  uid: string
  /** Epoch seconds: when the app's request arrived. */
  iat: number
  prompt: { name: string; details: Record<string, unknown> }
  params: Record<string, unknown>
  session?: { accountId: string } | undefined
  grantId?: string | undefined
}

export type NextStep =
  | { kind: 'sign_in' }
  /** The app asked for a sign-in newer than the user's (prompt=login, max_age): they confirm it is them first. */
  | { kind: 'reauthenticate' }
  /** The scopes the user is asked to allow. */
  | { kind: 'consent'; scopes: string[] }
  | { kind: 'login'; result: InteractionResults }
  /** Consent is not asked (a first-party app, or allowed before): the grant is made with these scopes. */
  | { kind: 'grant'; scopes: string[] }

export interface ConsentKnowledge {
  firstParty: boolean
  /** What the user allowed this client before. */
  consented: readonly string[]
}

function wordsOf(value: unknown): string[] {
  return typeof value === 'string' ? value.split(' ').filter((word) => word !== '') : []
}

/** The strings of a list in the provider's interaction details (anything else is none). */
export function listOf(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : []
}

/** The scopes a consent prompt says are missing from the grant (OIDC scopes and those of resource indicators alike). */
export function missingScopes(interaction: PendingInteraction): string[] {
  const details = interaction.prompt.details
  const resourceScopes = Object.values((details.missingResourceScopes as Record<string, unknown> | undefined) ?? {}).flatMap(listOf)
  return [...new Set([...listOf(details.missingOIDCScope), ...resourceScopes])]
}

/** Whether the app asked for a sign-in newer than the user's: prompt=login after its request came, or one within max_age. */
export function needsFreshSignIn(interaction: PendingInteraction, signIn: PortcullisSignIn, now: number): boolean {
  if (interaction.prompt.name !== 'login') return false
  if (wordsOf(interaction.params.prompt).includes('login') && signIn.authTime < interaction.iat * 1000) return true
  const maxAge = Number(interaction.params.max_age)
  return interaction.params.max_age !== undefined && Number.isFinite(maxAge) && now - signIn.authTime > maxAge * 1000
}

/** The provider's login result: the Portcullis user, how and when they proved themselves. */
export function loginResult(signIn: PortcullisSignIn, now: number): InteractionResults {
  const ts = Math.floor((signIn.authTime > 0 ? signIn.authTime : now) / 1000)
  return { login: { accountId: signIn.userId, amr: signIn.amr, ts, remember: true } }
}

export function nextStep(interaction: PendingInteraction, signIn: PortcullisSignIn | undefined, consent: ConsentKnowledge, now: number): NextStep {
  if (!signIn) return { kind: 'sign_in' }
  if (interaction.prompt.name === 'login') {
    return needsFreshSignIn(interaction, signIn, now) ? { kind: 'reauthenticate' } : { kind: 'login', result: loginResult(signIn, now) }
  }
  // Consent for a user other than the one signed in now (they signed out and in as someone else): sign that one in instead.
  if (interaction.session?.accountId !== signIn.userId) return { kind: 'login', result: loginResult(signIn, now) }
  const scopes = missingScopes(interaction)
  if (consent.firstParty) return { kind: 'grant', scopes }
  // prompt=consent: the app wants the user asked, even for what they allowed before.
  if (wordsOf(interaction.params.prompt).includes('consent')) return { kind: 'consent', scopes: scopes.length > 0 ? scopes : wordsOf(interaction.params.scope) }
  if (scopes.every((scope) => consent.consented.includes(scope))) return { kind: 'grant', scopes }
  return { kind: 'consent', scopes }
}
