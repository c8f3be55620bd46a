// The grant a finished consent makes: what the app asked and the user allowed (or a first-party app gets unasked), added to
// the grant the app already holds for this user, else a new one; linked to the Portcullis session it is made in, so that
// ending that session ends it (shared oidc/sign-ins.ts).
import type { Kysely } from 'kysely'
import type Provider from 'oidc-provider'
import type { InteractionResults } from 'oidc-provider'
import type { Database } from '@portcullis/shared/db/schema'
import { recordSignIn } from '@portcullis/shared/oidc/sign-ins'
import type { PortcullisSignIn } from '../sign-in/portcullis-sign-in.ts'
import { listOf, type PendingInteraction } from './next-step.ts'

export async function grantConsent(
  provider: Provider,
  db: Kysely<Database>,
  interaction: PendingInteraction,
  signIn: PortcullisSignIn,
  now: number,
): Promise<InteractionResults> {
  const clientId = String(interaction.params.client_id)
  const existing = interaction.grantId === undefined ? undefined : await provider.Grant.find(interaction.grantId)
  const grant = existing && existing.accountId === signIn.userId ? existing : new provider.Grant({ accountId: signIn.userId, clientId })
  const details = interaction.prompt.details
  const scopes = listOf(details.missingOIDCScope)
  if (scopes.length > 0) grant.addOIDCScope(scopes.join(' '))
  const claims = listOf(details.missingOIDCClaims)
  if (claims.length > 0) grant.addOIDCClaims(claims)
  for (const [indicator, resourceScopes] of Object.entries((details.missingResourceScopes as Record<string, unknown> | undefined) ?? {})) {
    grant.addResourceScope(indicator, listOf(resourceScopes).join(' '))
  }
  const grantId = await grant.save()
  await recordSignIn(db, { grantId, userId: signIn.userId, clientId, sessionId: signIn.sessionId }, now)
  return { consent: { grantId } }
}
