// What the provider does that Portcullis keeps a record of, written before the answer leaves (a Koa middleware of the
// provider's, after its own work): every sign-in to an app (a code exchanged for tokens) audited, a refresh noted on the
// sessions page, a grant that ends (revoked, a rotated refresh token used again: audited) unlinked from its session
// (oidc_sign_ins); and the provider's own failures logged.
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

/** The grants a request ended, told by the provider's grant.revoked event while it runs. */
const REVOKED_GRANTS = Symbol('revokedGrants')

type WithRevokedGrants = KoaContextWithOIDC & { [REVOKED_GRANTS]?: string[] }

function clientOf(ctx: KoaContextWithOIDC): { client_id: string; client_name: string | undefined } | undefined {
  const client = ctx.oidc?.client
  return client ? { client_id: client.clientId, client_name: client.clientName } : undefined
}

function originOf(ctx: KoaContextWithOIDC): { ip: string; userAgent: string | null } {
  const agent = ctx.get('user-agent')
  return { ip: ctx.ip, userAgent: agent === '' ? null : agent }
}

export function recordProviderEvents(provider: Provider, deps: ProviderEventDeps): void {
  const { db, now, log } = deps

  provider.on('grant.revoked', (ctx: WithRevokedGrants, grantId: string) => {
    ctx[REVOKED_GRANTS] = [...(ctx[REVOKED_GRANTS] ?? []), grantId]
  })

  provider.use(async (koa, next) => {
    await next()
    const ctx = koa as WithRevokedGrants
    const revoked = ctx[REVOKED_GRANTS] ?? []
    if (revoked.length > 0) await db.deleteFrom('oidc_sign_ins').where('grant_id', 'in', revoked).execute()
    if (ctx.oidc?.route !== 'token') return
    const grantType = ctx.oidc.params?.grant_type
    const origin = originOf(ctx)
    if (ctx.status === 200 && grantType === 'authorization_code') {
      const code = ctx.oidc.entities.AuthorizationCode
      const detail = {
        ...clientOf(ctx),
        scopes: String(code?.scope ?? '')
          .split(' ')
          .filter(Boolean),
      }
      await recordAuditEvent(db, { type: 'oidc_signed_in', userId: code?.accountId ?? null, ip: origin.ip, userAgent: origin.userAgent, detail }, now())
    }
    const refreshToken = ctx.oidc.entities.RefreshToken ?? ctx.oidc.entities.RotatedRefreshToken
    if (ctx.status === 200 && grantType === 'refresh_token' && refreshToken?.grantId) await touchSignIn(db, refreshToken.grantId, now())
    // A rotated refresh token used again: the provider ended its grant (someone holds a copy of the token).
    if (grantType === 'refresh_token' && revoked.length > 0) {
      const userId = refreshToken?.accountId ?? null
      await recordAuditEvent(db, { type: 'oidc_refresh_reused', userId, ip: origin.ip, userAgent: origin.userAgent, detail: { ...clientOf(ctx) } }, now())
    }
  })

  provider.on('server_error', (_ctx: KoaContextWithOIDC, error: Error) => log.error({ err: error }, 'oidc-provider failed to answer'))
}
