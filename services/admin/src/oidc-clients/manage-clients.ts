// An admin registers, changes and renews the secrets of OpenID Connect clients: the rules and the audit events are shared
// oidc/clients.ts' (the command asks the same); here they run in one transaction, the client locked on MySQL so two admins'
// changes are judged one after the other, and their refusals become the API's problems.
import type { OidcClientChangeRequest, OidcClientCreateRequest } from '@portcullis/shared/api/oidc-clients'
import type { DatabaseHandle } from '@portcullis/shared/db/handle'
import type { OidcClient } from '@portcullis/shared/db/schema'
import { fieldProblem, NotFound, validationFailed } from '@portcullis/shared/errors'
import {
  describeOidcClientProblem,
  InvalidOidcClient,
  newOidcClientSecret,
  OidcClientExists,
  type OidcClientActor,
  type OidcClientFieldNames,
  OidcClientIsPublic,
  registerOidcClient,
  updateOidcClient,
} from '@portcullis/shared/oidc/clients'
import { OidcClientNameTaken, OidcClientPublic } from '../errors.ts'
import type { Actor } from '../users/actor.ts'

/** The fields as the console's sentences name them ("Redirect URI "ftp://…" is not http(s)."). */
const API_FIELD_NAMES: OidcClientFieldNames = { name: 'name', redirect_uris: 'redirect URI' }

function capitalised(sentence: string): string {
  return sentence.charAt(0).toUpperCase() + sentence.slice(1)
}

/** The shared rules' refusals as the API's: validation_failed naming each field, 409 for a taken name or a public client. */
function asProblem(error: unknown): unknown {
  if (error instanceof InvalidOidcClient) {
    const fieldErrors = error.problems.map((problem) =>
      fieldProblem(problem.field, capitalised(describeOidcClientProblem(problem, API_FIELD_NAMES)), problem.code, ''),
    )
    return validationFailed(fieldErrors)
  }
  if (error instanceof OidcClientExists) return new OidcClientNameTaken()
  if (error instanceof OidcClientIsPublic) return new OidcClientPublic()
  return error
}

async function refusedAsProblems<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work()
  } catch (error) {
    throw asProblem(error)
  }
}

function auditActor(actor: Actor): OidcClientActor {
  return { actorId: actor.userId, ip: actor.ip, userAgent: actor.userAgent }
}

async function lockClient(database: DatabaseHandle, trx: DatabaseHandle['db'], id: string): Promise<void> {
  if (database.kind === 'mysql') await trx.selectFrom('oidc_clients').select('id').where('id', '=', id).forUpdate().execute()
}

export async function createOidcClient(
  database: DatabaseHandle,
  request: OidcClientCreateRequest,
  actor: Actor,
  now: number,
): Promise<{ client: OidcClient; clientSecret: string | undefined }> {
  const client = { name: request.name, redirectUris: request.redirect_uris, public: request.public ?? false, firstParty: request.first_party ?? false }
  return refusedAsProblems(() => database.db.transaction().execute((trx) => registerOidcClient(trx, client, auditActor(actor), now)))
}

export async function changeOidcClient(database: DatabaseHandle, id: string, request: OidcClientChangeRequest, actor: Actor, now: number): Promise<OidcClient> {
  const change = { name: request.name, redirectUris: request.redirect_uris, firstParty: request.first_party, disabled: request.disabled }
  const changed = await refusedAsProblems(() =>
    database.db.transaction().execute(async (trx) => {
      await lockClient(database, trx, id)
      return updateOidcClient(trx, id, change, auditActor(actor), now)
    }),
  )
  if (!changed) throw new NotFound()
  return changed
}

export async function renewOidcClientSecret(
  database: DatabaseHandle,
  id: string,
  actor: Actor,
  now: number,
): Promise<{ client: OidcClient; clientSecret: string }> {
  const renewed = await refusedAsProblems(() =>
    database.db.transaction().execute(async (trx) => {
      await lockClient(database, trx, id)
      return newOidcClientSecret(trx, id, auditActor(actor), now)
    }),
  )
  if (!renewed) throw new NotFound()
  return renewed
}
