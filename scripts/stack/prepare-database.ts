// The database side of a start: schema, signing keys, the first admin, and the stack's own service clients, kept from the
// last start where they still work (a running stack on the same database may hold them), never re-keyed.
import { type BootstrapResult, bootstrapStack } from '@portcullis/auth/bootstrap'
import { keepOrCreateStackClients, type StackClientRole, type StackClients } from '@portcullis/auth/clients/service-clients'
import type { AuthConfig } from '@portcullis/auth/config'
import type { DatabaseHandle, DatabaseKind } from '@portcullis/shared/db/handle'
import { connectDatabase } from '@portcullis/database/connect'
import { describeDatabaseError } from '@portcullis/shared/db/describe-error'
import { databaseKey, readSavedStackClients, saveStackClients } from './stack-clients-file.ts'

/** The database cannot be used as configured; the message says what is wrong and what to do. */
export class DatabaseUnusable extends Error {
  override name = 'DatabaseUnusable'
}

export interface PreparedDatabase {
  kind: DatabaseKind
  bootstrap: BootstrapResult
  clients: StackClients
  /** The roles that got new clients this time (none had saved credentials that still work). */
  createdClients: StackClientRole[]
}

export async function prepareDatabase(config: AuthConfig): Promise<PreparedDatabase> {
  let database: DatabaseHandle | undefined
  try {
    database = connectDatabase(config)
    const bootstrap = await bootstrapStack(config, database)
    const key = databaseKey(config)
    const { clients, created } = await keepOrCreateStackClients(database.db, readSavedStackClients(config.dataDir, key), Date.now())
    if (created.length > 0) saveStackClients(config.dataDir, key, clients)
    return { kind: database.kind, bootstrap, clients, createdClients: created }
  } catch (error) {
    const sentence = describeDatabaseError(error, config)
    throw sentence ? new DatabaseUnusable(sentence, { cause: error }) : error
  } finally {
    await database?.close().catch(() => {})
  }
}
