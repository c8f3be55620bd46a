// The relying parties of Portcullis' OpenID Connect provider (oidc_clients), and every rule about them, for the two places
// that manage them: pnpm create-oidc-client and the admin console. A client has a unique name, one or more absolute http(s)
// redirect URIs without a fragment (matched exactly by the provider), and is public (PKCE, no secret) or confidential (a
// secret shown once, stored as its SHA-256). Each change is written with its audit event in one transaction (never the
// secret); disabling a client also ends every sign-in to it, so its tokens stop working at once.
import { randomBytes } from 'node:crypto'
import type { Kysely } from 'kysely'
import { recordAuditEvent } from '../audit/record.ts'
import { isUniqueViolation } from '../db/handle.ts'
import type { Database, OidcClient } from '../db/schema.ts'
import { hashClientSecret, newClientSecret } from './client-secret.ts'
import { endSignIns } from './sign-ins.ts'

export const OIDC_CLIENT_NAME_MAX_LENGTH = 64
export const REDIRECT_URIS_MAX = 20
export const REDIRECT_URI_MAX_LENGTH = 2000
const NAME = new RegExp(`^[A-Za-z0-9][A-Za-z0-9 ._-]{0,${OIDC_CLIENT_NAME_MAX_LENGTH - 1}}$`)
/** Whitespace and control characters: a redirect URI must carry them percent-encoded, or the exact match is a guess. */
const UNENCODED = /[\s\p{Cc}]/u

/** The fields a problem can be about, as the admin API names them. */
export type OidcClientField = 'name' | 'redirect_uris'

export interface OidcClientProblem {
  field: OidcClientField
  /** A stable machine code: pattern, required, too_many, too_long, whitespace, not_absolute, not_http, fragment. */
  code: string
  /**
   * What is wrong, as a sentence in which `{field}` stands for the field as the reader knows it: the command says
   * "--redirect-uri", the console "redirect URI" (describeOidcClientProblem fills it in).
   */
  sentence: string
}

/** How each surface names the fields: the command its flags, the API its labels. */
export type OidcClientFieldNames = Record<OidcClientField, string>

export const COMMAND_LINE_FIELD_NAMES: OidcClientFieldNames = { name: '--name', redirect_uris: '--redirect-uri' }

/** A problem as one sentence, the field named as the surface names it. */
export function describeOidcClientProblem(problem: OidcClientProblem, names: OidcClientFieldNames): string {
  return problem.sentence.replace('{field}', names[problem.field])
}

/** What was given is not a valid client: every problem found, each with its field. */
export class InvalidOidcClient extends Error {
  override name = 'InvalidOidcClient'
  readonly problems: OidcClientProblem[]

  constructor(problems: OidcClientProblem[]) {
    super(problems.map((problem) => describeOidcClientProblem(problem, COMMAND_LINE_FIELD_NAMES)).join('; '))
    this.problems = problems
  }
}

export class OidcClientExists extends Error {
  override name = 'OidcClientExists'
  readonly clientName: string

  constructor(name: string) {
    super(`an OpenID Connect client named "${name}" already exists`)
    this.clientName = name
  }
}

/** A public client has no secret to replace. */
export class OidcClientIsPublic extends Error {
  override name = 'OidcClientIsPublic'
}

function quoted(uri: string): string {
  return JSON.stringify(uri.length > 80 ? `${uri.slice(0, 77)}...` : uri)
}

/** Why a name is refused, if it is. */
export function nameProblems(name: string): OidcClientProblem[] {
  if (NAME.test(name)) return []
  return [
    {
      field: 'name',
      code: name === '' ? 'required' : 'pattern',
      sentence: `{field} must be 1 to ${OIDC_CLIENT_NAME_MAX_LENGTH} letters, digits, spaces, dots, dashes or underscores, starting with a letter or digit`,
    },
  ]
}

/** Why a redirect URI is refused, or undefined when it is an absolute http(s) URI without a fragment. */
export function redirectUriProblem(uri: string): OidcClientProblem | undefined {
  const refuse = (code: string, why: string): OidcClientProblem => ({ field: 'redirect_uris', code, sentence: `{field} ${quoted(uri)} ${why}` })
  if (uri.length > REDIRECT_URI_MAX_LENGTH) return refuse('too_long', `is longer than ${REDIRECT_URI_MAX_LENGTH} characters`)
  if (UNENCODED.test(uri)) return refuse('whitespace', 'has spaces or control characters in it, which must be percent-encoded (%20)')
  let url: URL
  try {
    url = new URL(uri)
  } catch {
    return refuse('not_absolute', 'is not an absolute URI (http://… or https://…)')
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return refuse('not_http', 'is not http(s)')
  if (url.hash !== '' || uri.includes('#')) return refuse('fragment', 'has a fragment (#…), which a redirect URI may not have')
  return undefined
}

/** Why a list of redirect URIs is refused: none, too many, or the problem of each URI that is wrong. */
export function redirectUrisProblems(uris: readonly string[]): OidcClientProblem[] {
  if (uris.length === 0)
    return [{ field: 'redirect_uris', code: 'required', sentence: 'at least one {field} is needed: where the provider sends the user back after sign-in' }]
  const distinct = distinctUris(uris)
  if (distinct.length > REDIRECT_URIS_MAX)
    return [{ field: 'redirect_uris', code: 'too_many', sentence: `at most ${REDIRECT_URIS_MAX} of {field} are allowed, and ${distinct.length} were given` }]
  return distinct.map(redirectUriProblem).filter((problem) => problem !== undefined)
}

/** Each URI once, in the order first given. */
function distinctUris(uris: readonly string[]): string[] {
  return [...new Set(uris)]
}

function refuseProblems(problems: OidcClientProblem[]): void {
  if (problems.length > 0) throw new InvalidOidcClient(problems)
}

/** Who made a change, as the audit log records it: an admin (with where the request came from) or the command line. */
export interface OidcClientActor {
  actorId: string
  ip?: string | null
  userAgent?: string | null
}

export interface NewOidcClient {
  name: string
  redirectUris: readonly string[]
  public: boolean
  firstParty: boolean
}

export interface RegisteredOidcClient {
  client: OidcClient
  clientId: string
  /** The secret, the only time it is seen; undefined for a public client. */
  clientSecret: string | undefined
}

export interface OidcClientChange {
  name?: string
  redirectUris?: readonly string[]
  firstParty?: boolean
  /** true disables the client (and ends every sign-in to it); false enables it again. */
  disabled?: boolean
}

/** The redirect URIs of a client as stored. */
export function clientRedirectUris(client: Pick<OidcClient, 'redirect_uris'>): string[] {
  return JSON.parse(client.redirect_uris) as string[]
}

/** Runs in the caller's transaction, or in one of its own: a change and its audit event commit together. */
function inTransaction<T>(db: Kysely<Database>, work: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db) : db.transaction().execute(work)
}

async function audit(
  db: Kysely<Database>,
  type: 'oidc_client_created' | 'oidc_client_updated' | 'oidc_client_secret_rotated' | 'oidc_client_disabled' | 'oidc_client_enabled',
  actor: OidcClientActor,
  detail: Record<string, unknown>,
  now: number,
): Promise<void> {
  await recordAuditEvent(db, { type, actorId: actor.actorId, ip: actor.ip, userAgent: actor.userAgent, detail }, now)
}

/** A unique-name violation said as what it is. */
async function nameMustBeFree<T>(name: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write()
  } catch (error) {
    if (isUniqueViolation(error)) throw new OidcClientExists(name)
    throw error
  }
}

export async function listOidcClients(db: Kysely<Database>): Promise<OidcClient[]> {
  return db.selectFrom('oidc_clients').selectAll().orderBy('name').orderBy('id').execute()
}

export async function findOidcClient(db: Kysely<Database>, id: string): Promise<OidcClient | undefined> {
  return db.selectFrom('oidc_clients').selectAll().where('id', '=', id).executeTakeFirst()
}

/** Registers a client; returns it with its secret (none for a public client), the only time the secret is seen. */
export async function registerOidcClient(db: Kysely<Database>, client: NewOidcClient, actor: OidcClientActor, now: number): Promise<RegisteredOidcClient> {
  refuseProblems([...nameProblems(client.name), ...redirectUrisProblems(client.redirectUris)])
  const clientSecret = client.public ? undefined : newClientSecret()
  const row: OidcClient = {
    id: randomBytes(16).toString('base64url'),
    name: client.name,
    secret_hash: clientSecret === undefined ? null : hashClientSecret(clientSecret),
    redirect_uris: JSON.stringify(distinctUris(client.redirectUris)),
    public: client.public ? 1 : 0,
    first_party: client.firstParty ? 1 : 0,
    created_at: now,
    disabled_at: null,
  }
  return inTransaction(db, async (trx) => {
    await nameMustBeFree(client.name, () => trx.insertInto('oidc_clients').values(row).execute())
    const detail = { client_id: row.id, name: row.name, redirect_uris: clientRedirectUris(row), public: client.public, first_party: client.firstParty }
    await audit(trx, 'oidc_client_created', actor, detail, now)
    return { client: row, clientId: row.id, clientSecret }
  })
}

/**
 * Changes a client's name, redirect URIs, first-party mark or whether it is disabled; undefined when there is no such client.
 * What already is stays unwritten; each kind of change is its own audit event. Disabling ends every sign-in to the client.
 */
export async function updateOidcClient(
  db: Kysely<Database>,
  id: string,
  change: OidcClientChange,
  actor: OidcClientActor,
  now: number,
): Promise<OidcClient | undefined> {
  refuseProblems([
    ...(change.name === undefined ? [] : nameProblems(change.name)),
    ...(change.redirectUris === undefined ? [] : redirectUrisProblems(change.redirectUris)),
  ])
  return inTransaction(db, async (trx) => {
    const before = await findOidcClient(trx, id)
    if (!before) return undefined
    const after: OidcClient = {
      ...before,
      name: change.name ?? before.name,
      redirect_uris: change.redirectUris === undefined ? before.redirect_uris : JSON.stringify(distinctUris(change.redirectUris)),
      first_party: change.firstParty === undefined ? before.first_party : change.firstParty ? 1 : 0,
      disabled_at: change.disabled === undefined ? before.disabled_at : change.disabled ? (before.disabled_at ?? now) : null,
    }
    const from: Record<string, unknown> = {}
    const to: Record<string, unknown> = {}
    if (after.name !== before.name) [from.name, to.name] = [before.name, after.name]
    if (after.redirect_uris !== before.redirect_uris) [from.redirect_uris, to.redirect_uris] = [clientRedirectUris(before), clientRedirectUris(after)]
    if (after.first_party !== before.first_party) [from.first_party, to.first_party] = [before.first_party === 1, after.first_party === 1]
    const disabling = before.disabled_at === null && after.disabled_at !== null
    const enabling = before.disabled_at !== null && after.disabled_at === null
    if (Object.keys(to).length === 0 && !disabling && !enabling) return before

    const { id: _id, ...columns } = after
    await nameMustBeFree(after.name, () => trx.updateTable('oidc_clients').set(columns).where('id', '=', id).execute())
    if (Object.keys(to).length > 0) await audit(trx, 'oidc_client_updated', actor, { client_id: id, name: after.name, from, to }, now)
    if (disabling) {
      const signInsEnded = await endSignIns(trx, { clientId: id })
      await audit(trx, 'oidc_client_disabled', actor, { client_id: id, name: after.name, sign_ins_ended: signInsEnded }, now)
    }
    if (enabling) await audit(trx, 'oidc_client_enabled', actor, { client_id: id, name: after.name }, now)
    return after
  })
}

/**
 * Gives a confidential client a new secret, returned the only time it is seen; the old one stops working at once (the
 * provider reads the stored hash on every request). Undefined when there is no such client.
 */
export async function newOidcClientSecret(
  db: Kysely<Database>,
  id: string,
  actor: OidcClientActor,
  now: number,
): Promise<{ client: OidcClient; clientSecret: string } | undefined> {
  return inTransaction(db, async (trx) => {
    const client = await findOidcClient(trx, id)
    if (!client) return undefined
    if (client.public === 1) throw new OidcClientIsPublic(`"${client.name}" is a public client: it has no secret, and uses PKCE instead`)
    const clientSecret = newClientSecret()
    const updated: OidcClient = { ...client, secret_hash: hashClientSecret(clientSecret) }
    await trx.updateTable('oidc_clients').set({ secret_hash: updated.secret_hash }).where('id', '=', id).execute()
    await audit(trx, 'oidc_client_secret_rotated', actor, { client_id: id, name: client.name }, now)
    return { client: updated, clientSecret }
  })
}
