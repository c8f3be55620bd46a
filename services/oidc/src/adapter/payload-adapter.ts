// oidc-provider's adapter on our database: every model's payloads in oidc_payloads, keyed by (model, id), with the columns
// it is looked up by (grant_id, user_code, uid). A payload past its expires_at is never found; expired rows are swept later.
import type { Kysely } from 'kysely'
import type { Adapter, AdapterPayload } from 'oidc-provider'
import { isUniqueViolation } from '@portcullis/shared/db/handle'
import type { Database } from '@portcullis/shared/db/schema'

/** The models whose payloads belong to a grant, and go when it is revoked (as in oidc-provider's own memory adapter). */
const GRANTABLE = new Set(['AccessToken', 'AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest', 'PreAuthorizedCode'])

export class PayloadAdapter implements Adapter {
  private readonly db: Kysely<Database>
  private readonly model: string
  private readonly now: () => number

  constructor(db: Kysely<Database>, model: string, now: () => number) {
    this.db = db
    this.model = model
    this.now = now
  }

  async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
    const row = {
      payload: JSON.stringify(payload),
      grant_id: GRANTABLE.has(this.model) ? (payload.grantId ?? null) : null,
      user_code: payload.userCode ?? null,
      uid: payload.uid ?? null,
      expires_at: typeof expiresIn === 'number' ? this.now() + expiresIn * 1000 : null,
      consumed_at: null,
    }
    const updated = await this.update(id, row)
    if (updated) return
    try {
      await this.db
        .insertInto('oidc_payloads')
        .values({ model: this.model, id, ...row })
        .execute()
    } catch (error) {
      // Another instance inserted the same id in between: the last write wins, as an upsert's would.
      if (!isUniqueViolation(error)) throw error
      await this.update(id, row)
    }
  }

  private async update(id: string, row: Omit<Database['oidc_payloads'], 'model' | 'id'>): Promise<boolean> {
    const result = await this.db.updateTable('oidc_payloads').set(row).where('model', '=', this.model).where('id', '=', id).executeTakeFirst()
    return Number(result.numUpdatedRows) > 0
  }

  find(id: string): Promise<AdapterPayload | undefined> {
    return this.findWhere('id', id)
  }

  findByUid(uid: string): Promise<AdapterPayload | undefined> {
    return this.findWhere('uid', uid)
  }

  findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    return this.findWhere('user_code', userCode)
  }

  private async findWhere(column: 'id' | 'uid' | 'user_code', value: string): Promise<AdapterPayload | undefined> {
    const now = this.now()
    const row = await this.db
      .selectFrom('oidc_payloads')
      .select(['payload', 'consumed_at'])
      .where('model', '=', this.model)
      .where(column, '=', value)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
      .executeTakeFirst()
    if (!row) return undefined
    const payload = JSON.parse(row.payload) as AdapterPayload
    // oidc-provider reads `consumed` (epoch seconds, truthy) to refuse a code or a rotated refresh token used again.
    return row.consumed_at === null ? payload : { ...payload, consumed: Math.floor(row.consumed_at / 1000) }
  }

  async consume(id: string): Promise<void> {
    await this.db.updateTable('oidc_payloads').set({ consumed_at: this.now() }).where('model', '=', this.model).where('id', '=', id).execute()
  }

  async destroy(id: string): Promise<void> {
    await this.db.deleteFrom('oidc_payloads').where('model', '=', this.model).where('id', '=', id).execute()
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    await this.db.deleteFrom('oidc_payloads').where('grant_id', '=', grantId).execute()
  }
}
