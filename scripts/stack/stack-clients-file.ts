// The stack's own service-client credentials, kept in DATA_DIR/stack-clients.json (mode 0600) so that the next start reuses
// them instead of re-keying clients a running stack may hold. One entry per database, so switching DATABASE_URL back and
// forth does not make new clients every time.
import { chmodSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import type { StackClients } from '@portcullis/auth/clients/service-clients'
import type { DatabaseConfig } from '@portcullis/shared/settings/database'

export const STACK_CLIENTS_FILE = 'stack-clients.json'

interface StackClientsFile {
  databases: Record<string, Partial<StackClients>>
}

/** Which database the credentials belong to: the embedded one, or the MySQL server and database (never its password). */
export function databaseKey(settings: Pick<DatabaseConfig, 'databaseUrl'>): string {
  if (!settings.databaseUrl) return 'sqlite'
  const url = new URL(settings.databaseUrl.replace(/^mariadb:/, 'mysql:'))
  return `mysql://${url.username ? `${url.username}@` : ''}${url.hostname}:${url.port || '3306'}${url.pathname}`
}

function readFile(dataDir: string): StackClientsFile {
  try {
    const parsed = JSON.parse(readFileSync(path.join(dataDir, STACK_CLIENTS_FILE), 'utf8')) as Partial<StackClientsFile>
    return { databases: typeof parsed.databases === 'object' && parsed.databases !== null ? parsed.databases : {} }
  } catch {
    return { databases: {} } // none yet, or unreadable: new clients are made and the file is written anew
  }
}

export function readSavedStackClients(dataDir: string, key: string): Partial<StackClients> {
  return readFile(dataDir).databases[key] ?? {}
}

/** Saves the credentials for `key`, written whole (temporary file, then rename) and readable by this user only. */
export function saveStackClients(dataDir: string, key: string, clients: StackClients): void {
  const file = path.join(dataDir, STACK_CLIENTS_FILE)
  const contents = readFile(dataDir)
  contents.databases[key] = clients
  const temporary = `${file}.${process.pid}`
  writeFileSync(temporary, `${JSON.stringify(contents, null, 2)}\n`, { mode: 0o600 })
  chmodSync(temporary, 0o600)
  renameSync(temporary, file)
}
