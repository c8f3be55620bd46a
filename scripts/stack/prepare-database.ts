// The database side of a start: schema, signing keys, the first admin, and the stack's own service clients, kept from the
// last start where they still work (a running stack on the same database may hold them), never re-keyed.
import { type BootstrapResult, bootstrapStack } from '@portcullis/auth/bootstrap'
import { keepOrCreateStackClients, type StackClientRole, type StackClients } from '@portcullis/auth/clients/service-clients'
import type { Config } from '@portcullis/shared/config'
import { connectDatabase, type DatabaseHandle, type DatabaseKind } from '@portcullis/shared/db/connect'
import { databaseKey, readSavedStackClients, saveStackClients } from './stack-clients-file.ts'

export interface PreparedDatabase {
  kind: DatabaseKind
  bootstrap: BootstrapResult
  clients: StackClients
  /** The roles that got new clients this time (none had saved credentials that still work). */
  createdClients: StackClientRole[]
}

export async function prepareDatabase(config: Config): Promise<PreparedDatabase> {
  let database: DatabaseHandle | undefined
  try {
    database = connectDatabase(config)
    const bootstrap = await bootstrapStack(config, database)
    const key = databaseKey(config)
    const { clients, created } = await keepOrCreateStackClients(database.db, readSavedStackClients(config.dataDir, key), Date.now())
    if (created.length > 0) saveStackClients(config.dataDir, key, clients)
    return { kind: database.kind, bootstrap, clients, createdClients: created }
  } finally {
    await database?.close().catch(() => {})
  }
}
