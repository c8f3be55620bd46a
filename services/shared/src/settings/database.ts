// Where the one database is: MySQL/MariaDB by DATABASE_URL, else the embedded SQLite file in DATA_DIR.
import path from 'node:path'
import { type Static, Type } from 'typebox'
import { checkedUrl } from './url.ts'

export const DatabaseSettings = Type.Object({
  DATABASE_URL: Type.Optional(
    Type.String({ secret: true, description: 'mysql://user:pass@host:port/db for MySQL 8 / MariaDB; unset: the embedded SQLite file' }),
  ),
  DATA_DIR: Type.String({ default: './.data', description: 'where the embedded database lives (and pnpm start keeps its state)' }),
  DB_POOL_SIZE: Type.Integer({ minimum: 1, maximum: 500, default: 10, description: 'MySQL connections per process' }),
})

export interface DatabaseConfig {
  databaseUrl: string | undefined
  dataDir: string
  dbPoolSize: number
}

export function databaseConfig(values: Static<typeof DatabaseSettings>): DatabaseConfig {
  return {
    databaseUrl: values.DATABASE_URL === undefined ? undefined : checkedUrl('DATABASE_URL', values.DATABASE_URL, ['mysql:', 'mariadb:']),
    dataDir: path.resolve(values.DATA_DIR),
    dbPoolSize: values.DB_POOL_SIZE,
  }
}
