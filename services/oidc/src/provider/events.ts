// What the provider does that Portcullis keeps a record of: every sign-in to an app (a code exchanged for tokens) audited,
// a refresh token used twice (the provider ends the grant: someone holds a copy) audited, a grant that ends unlinked from
// its session (oidc_sign_ins), a refresh noted on the sessions page, and the provider's own failures logged.
import type { FastifyBaseLogger } from 'fastify'
import type { Kysely } from 'kysely'
import type Provider from 'oidc-provider'
import type { KoaContextWithOIDC } from 'oidc-provider'
import { recordAuditEvent } from '@portcullis/shared/audit/record'
import type { Database } from '@portcullis/shared/db/schema'
import { touchSignIn } from '@portcullis/shared/oidc/sign-ins'

export interface ProviderEventDeps {
  db: Kysely<Database>
  now: () => number
  log: FastifyBaseLogger
}

function clientOf(ctx: KoaContextWithOIDC): { client_id: string; client_name: string | undefined } | undefined {
  const client = ctx.oidc.client
  return client ? { client_id: client.clientId, client_name: client.clientName } : undefined
}

function originOf(ctx: KoaContextWithOIDC): { ip: string; userAgent: string | null } {
  const agent = ctx.get('user-agent')
  return { ip: ctx.ip, userAgent: agent === '' ? null : agent }
}

export function recordProviderEvents(provider: Provider, deps: ProviderEventDeps): void {
  const { db, now, log } = deps
  const failed = (what: string) => (error: unknown) => log.error({ err: error }, `oidc: ${what} failed`)

  provider.on('grant.success', (ctx: KoaContextWithOIDC) => {
    const grantType = ctx.oidc.params?.grant_type
    const token = ctx.oidc.entities.AuthorizationCode ?? ctx.oidc.entities.RefreshToken
    if (grantType === 'authorization_code' && token) {
      const origin = originOf(ctx)
      const detail = {
        ...clientOf(ctx),
        scopes: String(token.scope ?? '')
          .split(' ')
          .filter(Boolean),
      }
      recordAuditEvent(db, { type: 'oidc_signed_in', userId: token.accountId ?? null, ip: origin.ip, userAgent: origin.userAgent, detail }, now()).catch(
        failed('auditing a sign-in'),
      )
    }
    if (grantType === 'refresh_token' && token?.grantId) touchSignIn(db, token.grantId, now()).catch(failed('noting a refresh'))
  })

  provider.on('grant.revoked', (ctx: KoaContextWithOIDC, grantId: string) => {
    const reused = ctx.oidc?.params?.grant_type === 'refresh_token' && ctx.oidc.route === 'token'
    const userId = ctx.oidc?.entities.RefreshToken?.accountId ?? null
    db.deleteFrom('oidc_sign_ins')
      .where('grant_id', '=', grantId)
      .execute()
      .then(async () => {
        if (!reused) return
        const origin = originOf(ctx)
        await recordAuditEvent(db, { type: 'oidc_refresh_reused', userId, ip: origin.ip, userAgent: origin.userAgent, detail: { ...clientOf(ctx) } }, now())
      })
      .catch(failed('ending a revoked grant'))
  })

  provider.on('server_error', (_ctx: KoaContextWithOIDC, error: Error) => log.error({ err: error }, 'oidc-provider failed to answer'))
}
