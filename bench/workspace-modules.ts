// Packages the bench borrows from the workspace packages that depend on them (pnpm keeps them out of the root), typed as far as the bench uses them.
import { createRequire } from 'node:module'
import { ROOT } from './settings.ts'
import path from 'node:path'

function requireFrom(workspacePackage: string): NodeRequire {
  return createRequire(path.join(ROOT, workspacePackage, 'package.json'))
}

export interface SqliteStatement {
  run(...parameters: unknown[]): unknown
  get(...parameters: unknown[]): unknown
}

export interface SqliteFile {
  pragma(statement: string): unknown
  prepare(sql: string): SqliteStatement
  exec(sql: string): unknown
  close(): void
}

/** better-sqlite3, the driver Portcullis itself uses for SQLite. */
export function openSqliteFile(file: string): SqliteFile {
  const SQLite = requireFrom('services/database')('better-sqlite3') as new (file: string) => SqliteFile
  return new SQLite(file)
}

export interface MysqlConnection {
  query(sql: string): Promise<[unknown, unknown]>
  end(): Promise<void>
}

/** mysql2/promise, as the test databases use it. */
export async function connectMysql(uri: string): Promise<MysqlConnection> {
  const mysql = requireFrom('services/database')('mysql2/promise') as { createConnection(options: { uri: string }): Promise<MysqlConnection> }
  return mysql.createConnection({ uri })
}

export interface ProxyServer {
  register(plugin: unknown, options: Record<string, unknown>): Promise<unknown>
  listen(options: { port: number; host: string }): Promise<string>
  get(path: string, handler: () => Promise<unknown>): unknown
  close(): Promise<void>
}

/** Fastify and @fastify/http-proxy, the versions the gateway runs on. */
export function loadFastifyProxy(): { fastify: (options: Record<string, unknown>) => ProxyServer; httpProxy: unknown } {
  const fromGateway = requireFrom('gateway')
  return {
    fastify: fromGateway('fastify') as (options: Record<string, unknown>) => ProxyServer,
    httpProxy: fromGateway('@fastify/http-proxy'),
  }
}

export interface UndiciPool {
  request(options: {
    path: string
    method: string
    headers: Record<string, string | string[] | undefined>
    body?: NodeJS.ReadableStream | null
  }): Promise<{ statusCode: number; headers: Record<string, string | string[] | undefined>; body: NodeJS.ReadableStream }>
  close(): Promise<void>
}

/** undici's Pool, the version the gateway's @fastify/reply-from proxies with. */
export function loadUndiciPool(): new (origin: string, options: Record<string, unknown>) => UndiciPool {
  const fromReplyFrom = createRequire(requireFrom('gateway').resolve('@fastify/reply-from'))
  return (fromReplyFrom('undici') as { Pool: new (origin: string, options: Record<string, unknown>) => UndiciPool }).Pool
}
